using System.Text.Json;
using TrtSharp.Comparison;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Cli;

public sealed class InputFileTests
{
    private const string DataSet = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/test_data_set_0";
    private string _dir = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trtsharp-inputs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void DataFolderFeedsTheBackendTestInputAndTheReferenceMatchesTheStoredOutput()
    {
        string json = Path.Combine(_dir, "r.json");
        var run = CliRun.Of("compare", CliModels.Conv2d, CliModels.Conv2d, "--data", DataSet, "--json", json);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Out, Does.Contain($"input 0: float[2, 3, 7, 5] from {DataSet}/input_0.pb"));
        });
        // The stored expected output is an independent reference for what ONNX Runtime computed.
        (_, HostTensor expected) = TensorProtoFile.Read(Path.Combine(DataSet, "output_0.pb"));
        double[] values = TensorValues.ToDoubles(expected);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement reference = doc.RootElement.GetProperty("outputs")[0].GetProperty("reference");
        Assert.Multiple(() =>
        {
            Assert.That(reference.GetProperty("mean").GetDouble(), Is.EqualTo(values.Average()).Within(1e-5));
            Assert.That(reference.GetProperty("max").GetDouble(), Is.EqualTo(values.Max()).Within(1e-5));
            Assert.That(reference.GetProperty("max_index").GetInt64(), Is.EqualTo(Array.IndexOf(values, values.Max())));
        });
    }

    [Test]
    public void NpyInputIsUsedByName()
    {
        string npy = Path.Combine(_dir, "x.npy");
        NpyFile.Write(npy, new HostTensor<float>([1, 4], [-1f, 2f, 0.25f, 3f]));
        string a = CliModels.Save(_dir, "a.onnx", CliModels.PerturbedChain());
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Chain(CliModels.C));
        string json = Path.Combine(_dir, "r.json");
        var run = CliRun.Of("compare", a, b, "--input", $"x={npy}", "--json", json);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement y = doc.RootElement.GetProperty("outputs")[0];
        // b: y = 2·(relu(x) + c) = [0.2, 4.4, 1.1, 6.8].
        Assert.Multiple(() =>
        {
            Assert.That(y.GetProperty("reference").GetProperty("mean").GetDouble(), Is.EqualTo((0.2 + 4.4 + 1.1 + 6.8) / 4).Within(1e-5));
            Assert.That(y.GetProperty("relative_error").GetProperty("max").GetDouble(), Is.EqualTo(1 / 1.1).Within(1e-5));
            Assert.That(doc.RootElement.GetProperty("inputs")[0].GetProperty("source").GetString(), Is.EqualTo(npy));
        });
    }

    [Test]
    public void BadInputFilesAreOneLine()
    {
        string npy = Path.Combine(_dir, "x.npy");
        NpyFile.Write(npy, new HostTensor<float>([1, 5], new float[5]));
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Chain(CliModels.C));
        CliRun.Of("compare", b, b, "--input", $"nope={npy}").AssertOneLineError("no tensor named 'nope'");
        CliRun.Of("compare", b, b, "--input", $"x={npy}").AssertOneLineError("x");
        CliRun.Of("compare", b, b, "--input", "x=missing.npy").AssertOneLineError("missing.npy");
        CliRun.Of("compare", b, b, "--input", "x").AssertOneLineError("expected name=file");
        CliRun.Of("compare", b, b, "--data", Path.Combine(_dir, "nodir")).AssertOneLineError("nodir");
    }
}
