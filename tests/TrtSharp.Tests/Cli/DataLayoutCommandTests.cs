using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;
using TrtSharp.Tests.Quantization.Pipeline;

namespace TrtSharp.Tests.Cli;

/// <summary>quantize, compare, run and bench read --data with one reader: the same folder works for all four.</summary>
[TestFixture]
public class DataLayoutCommandTests
{
    private QuantizationFixture _f = null!;
    private string _samples = null!;

    [SetUp]
    public void SetUp()
    {
        _f = new QuantizationFixture();
        // Per-sample sub-folders, the layout quantize --data did not find and compare --data did not accept.
        _samples = Path.Combine(_f.Directory, "samples");
        string[] files = [.. Directory.GetFiles(_f.CalibrationDir).Order(StringComparer.Ordinal)];
        for (int i = 0; i < 3; i++)
        {
            string dir = Path.Combine(_samples, $"s{i:D3}");
            Directory.CreateDirectory(dir);
            File.Copy(files[i], Path.Combine(dir, "x.npy"));
        }
    }

    [TearDown]
    public void TearDown() => _f.Dispose();

    [Test]
    public void OneFolderOfSampleFoldersServesEveryCommand()
    {
        string first = Path.Combine(_samples, "s000", "x.npy");
        var quantize = CliRun.Of("quantize", _f.ModelPath, "--data", _samples, "--holdout", _samples, "--method", "max");
        quantize.AssertExit(0);
        string int8 = Path.Combine(_f.Directory, "net.int8.qdq.onnx");

        var compare = CliRun.Of("compare", int8, _f.ModelPath, "--data", _samples, "--check", "quantile:0.5", "--atol", "1");
        compare.AssertExit(0);
        var run = CliRun.Of("run", _f.ModelPath, "--data", _samples, "--output-dir", Path.Combine(_f.Directory, "out"));
        run.AssertExit(0);
        var bench = CliRun.Of("bench", int8, "--compare-with", _f.ModelPath, "--data", _samples, "--iterations", "3", "--warmup-ms", "0", "--threads", "1");
        bench.AssertExit(0);
        Assert.Multiple(() =>
        {
            Assert.That(compare.Out, Does.Contain(first).And.Contain("note: --data holds 3 samples; this run uses the first"));
            Assert.That(run.Out, Does.Contain("x.npy"));
            Assert.That(bench.Out, Does.Contain($"from {first}"));
        });
        // The run's output is the model applied to the first sample, not to random data.
        var fromRandom = CliRun.Of("run", _f.ModelPath, "--output-dir", Path.Combine(_f.Directory, "random"));
        fromRandom.AssertExit(0);
        Assert.That(File.ReadAllBytes(Path.Combine(_f.Directory, "out", "y.npy")), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(_f.Directory, "random", "y.npy"))));
    }

    [Test]
    public void AManifestServesQuantize()
    {
        string manifest = Path.Combine(_f.Directory, "calib.csv");
        File.WriteAllLines(manifest, ["x", "samples/s000/x.npy", "samples/s001/x.npy"]);
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", manifest, "--method", "max");
        run.AssertExit(0);
        Assert.That(File.Exists(Path.Combine(_f.Directory, "net.int8.qdq.onnx")), Is.True);
    }

    [Test]
    public void ASampleThatDoesNotFitIsReportedBeforeCalibrationNamingTheFile()
    {
        string bad = Path.Combine(_samples, "s000", "x.npy");
        NpyFile.Write(bad, new HostTensor<float>([1, 1, 9, 9], new float[81]));
        CliRun.Of("quantize", _f.ModelPath, "--data", _samples).AssertOneLineError($"{bad}: shape [1, 1, 9, 9] does not fit input x");
        CliRun.Of("compare", _f.ModelPath, _f.ModelPath, "--data", _samples).AssertOneLineError(bad);
        CliRun.Of("bench", _f.ModelPath, "--data", _samples, "--iterations", "1").AssertOneLineError(bad);
        Assert.That(File.Exists(Path.Combine(_f.Directory, "net.int8.qdq.onnx")), Is.False);
    }
}
