using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;
using TrtSharp.Tests.Quantization.Pipeline;
using TrtSharp.Tests.Quantization.Precision;

namespace TrtSharp.Tests.Cli;

[TestFixture]
public class QuantizeCommandTests
{
    private QuantizationFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new QuantizationFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    [Test]
    public void WritesModelCacheAndReportAndValidates()
    {
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--method", "max", "--target-cosine", "0.99", "--plots");
        run.AssertExit(0);
        string stem = Path.Combine(_f.Directory, "net");
        Assert.That(File.Exists(stem + ".int8.qdq.onnx"), Is.True);
        Assert.That(File.ReadAllLines(stem + ".calib.cache")[0], Is.EqualTo("TRT-101601-MinMaxCalibration"));
        Assert.That(File.Exists(stem + ".int8.qdq.onnx.report/report.json"), Is.True);
        // One plot per calibrated tensor: by default only the two activations that get Q/DQ (the convolutions' inputs x and r).
        Assert.That(Directory.GetFiles(stem + ".int8.qdq.onnx.report/plots", "*.png"), Has.Length.EqualTo(2));
        Assert.That(run.Out, Does.Contain("PASSED"));
        Assert.That(run.Out, Does.Contain("opset 13").And.Not.Contain("opset 13 -> 13"), "an unchanged opset is not shown as a conversion");
    }

    [Test]
    public void TheSummaryNamesTheCandidatesAndWhyEachTensorGotItsMethod()
    {
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir);
        run.AssertExit(0);
        var summary = File.ReadAllLines(Path.Combine(_f.Directory, "net.int8.qdq.onnx.report", "summary.txt"));
        var compared = summary.Single(l => l.StartsWith("methods compared on ", StringComparison.Ordinal));
        string chosen = compared[(compared.LastIndexOf("): ", StringComparison.Ordinal) + 3)..].Replace(" chosen", "", StringComparison.Ordinal);
        foreach (string name in new[] { "entropy", "mse", "percentile", "max", "per-tensor" })
        {
            Assert.That(summary.Count(l => l.StartsWith($"  {name} ", StringComparison.Ordinal)), Is.EqualTo(1), name);
        }
        // Each calibrated tensor's row names its method, and every tensor is accounted for under "why".
        var rows = summary.Where(l => l.StartsWith("x ", StringComparison.Ordinal) || l.StartsWith("r ", StringComparison.Ordinal)).ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]), Has.All.AnyOf("max", "entropy", "percentile", "mse"));
        int why = Array.IndexOf(summary, "why each tensor got its method:");
        Assert.That(why, Is.GreaterThan(0));
        int accounted = summary.Skip(why + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Sum(l => System.Text.RegularExpressions.Regex.Match(l, "^  (\\d+) tensors: ") is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 1);
        Assert.That(accounted, Is.EqualTo(rows.Count));
        Assert.That(string.Join("\n", summary.Skip(why + 1)), Does.Contain(chosen == "per-tensor" ? "per tensor" : chosen));
    }

    [Test]
    public void AMissedCosineTargetExitsOne()
    {
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--target-cosine", "1");
        run.AssertExit(1);
        Assert.That(run.Out, Does.Contain("FAILED: below the target (cosine ≥ 1)"));
    }

    [Test]
    public void AnExclusionThatMatchesNothingWarns()
    {
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--exclude-nodes", "no_such_node*");
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("warning:").And.Contain("no_such_node*"));
    }

    [Test]
    public void ItReusesACacheWithoutData()
    {
        CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir).AssertExit(0);
        string cache = Path.Combine(_f.Directory, "net.calib.cache");
        string before = File.ReadAllText(cache);
        var run = CliRun.Of("quantize", _f.ModelPath, "--from-cache", cache, "--method", "max", "--trt-version", "10.3.0", "-o", Path.Combine(_f.Directory, "again.onnx"));
        run.AssertExit(0);
        Assert.That(File.Exists(Path.Combine(_f.Directory, "again.onnx")), Is.True);
        Assert.That(File.ReadAllText(cache), Is.EqualTo(before), "an input cache is never rewritten");
    }

    [Test]
    public void AModelWithExternalWeightsQuantizesWithTheAutomaticMethodChoice()
    {
        // The float32 reference the candidates are judged against runs from memory: its external weights must be read in.
        string model = Path.Combine(_f.Directory, "external", "net.onnx");
        OnnxModel.Load(_f.ModelPath).Save(model, new OnnxSaveOptions { UseExternalData = true, ExternalDataThreshold = 16 });
        Assert.That(OnnxModel.Load(model).Graph.FindInitializer("w2")!.IsExternal, Is.True);
        var run = CliRun.Of("quantize", model, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir);
        run.AssertExit(0);
        Assert.That(File.Exists(Path.Combine(_f.Directory, "external", "net.int8.qdq.onnx")), Is.True);
    }

    [Test]
    public void BadInputsAreOneLine()
    {
        CliRun.Of("quantize", _f.ModelPath).AssertOneLineError("no calibration data");
        CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--target-cosine", "0.9").AssertOneLineError("--target-cosine needs held-out data");
        Assert.That(File.Exists(Path.Combine(_f.Directory, "net.int8.qdq.onnx")), Is.False, "refused before any work or output");
        CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--method", "kl").AssertOneLineError("--method 'kl'");
        CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--for", "tpu").AssertOneLineError("--for 'tpu'");
        string foreign = Path.Combine(_f.Directory, "foreign.cache");
        File.WriteAllText(foreign, "TRT-8601-SomethingElse\nx: 3f800000\n");
        CliRun.Of("quantize", _f.ModelPath, "--from-cache", foreign).AssertOneLineError(foreign);
    }

    [Test]
    public void TheDefaultCacheGoesNextToTheOutputNotTheInputModel()
    {
        string outDir = Path.Combine(_f.Directory, "out");
        Directory.CreateDirectory(outDir);
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "-o", Path.Combine(outDir, "q.onnx"));
        run.AssertExit(0);
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(outDir, "net.calib.cache")), Is.True, run.Out);
            Assert.That(File.Exists(Path.Combine(_f.Directory, "net.calib.cache")), Is.False, "nothing is written next to the input model");
            Assert.That(run.Out, Does.Contain($"calibration cache: {Path.Combine(outDir, "net.calib.cache")}"));
        });
    }

    [Test]
    public void BadOptionsAreRefusedBeforeCalibrationInOneLine()
    {
        string[] data = ["quantize", _f.ModelPath, "--data", _f.CalibrationDir];
        CliRun.Of([.. data, "--percentile", "150"]).AssertOneLineError("--percentile 150: must lie in [0, 100]");
        CliRun.Of([.. data, "--batch-size", "0"]).AssertOneLineError("--batch-size 0");
        CliRun.Of([.. data, "--target-cosine", "2", "--holdout", _f.HoldoutDir]).AssertOneLineError("--target-cosine 2");
        CliRun.Of([.. data, "--method", "Entropy2"]).AssertOneLineError("--method 'Entropy2': use auto, entropy, max, percentile or mse");
        CliRun.Of([.. data, "-o", _f.Directory]).AssertOneLineError($"-o {_f.Directory}: is a directory");

        string holdout = Path.Combine(_f.Directory, "bad-holdout");
        Directory.CreateDirectory(holdout);
        File.Copy(Directory.GetFiles(_f.HoldoutDir)[0], Path.Combine(holdout, "a.npy"));
        string wrong = Path.Combine(holdout, "h.npy"); // the second sample: not only the first is checked up front
        NpyFile.Write(wrong, new HostTensor<float>([2, 3, 8, 8], new float[2 * 3 * 64]));
        CliRun.Of([.. data, "--holdout", holdout]).AssertOneLineError($"{wrong}: shape [2, 3, 8, 8] does not fit input x");
        // The Q/DQ model is written right after calibration: its absence shows every refusal came first.
        Assert.That(File.Exists(Path.Combine(_f.Directory, "net.int8.qdq.onnx")), Is.False);
    }

    /// <summary>
    /// A held-out sample whose shape fits the declared inputs but that the model cannot run (here a Reshape to rows of 4
    /// given 6 values) used to fail in validation, after calibration, with ONNX Runtime's log line on top.
    /// </summary>
    [Test]
    public void AHeldOutSampleTheModelCannotRunIsRefusedBeforeCalibration()
    {
        var (model, calibration, holdout, odd) = RowsOfFourModel.Write(_f.Directory);
        string output = Path.Combine(_f.Directory, "rows.int8.onnx");

        CliRun.Of("quantize", model, "--data", calibration, "--holdout", holdout, "--method", "max", "-o", output)
            .AssertOneLineError($"{odd}: the model cannot run this held-out sample (--holdout), so validation against FP32 would fail");
        Assert.That(File.Exists(output), Is.False, "refused before calibration");

        NpyFile.Write(odd, new HostTensor<float>([1, 12], ModelBuilder.Random(12, 20)));
        CliRun.Of("quantize", model, "--data", calibration, "--holdout", holdout, "--method", "max", "-o", output).AssertExit(0);
    }

    [Test]
    public void SkippedValidationIsAnnounced()
    {
        var without = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir);
        without.AssertExit(0);
        Assert.That(without.Out, Does.Contain("validation skipped: no held-out data"));
        var with = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir);
        with.AssertExit(0);
        Assert.That(with.Out, Does.Not.Contain("validation skipped"));
    }

    [Test]
    public void ARangeThatClipsHardIsWarnedAboutWithTheAlternatives()
    {
        // Half the values in one spike, the rest spread 15x wider: entropy fits the spike and clips the spread, the
        // shape the speech CNN's Max(x, -0.4) outputs have (README). Max keeps every value.
        string data = Path.Combine(_f.Directory, "spiky");
        Directory.CreateDirectory(data);
        var random = new Random(5);
        for (int i = 0; i < 4; i++)
        {
            float[] values = [.. Enumerable.Range(0, 4 * 64).Select(_ => random.NextDouble() < 0.5 ? -0.4f : (float)(random.NextDouble() * 6.4 - 0.4))];
            NpyFile.Write(Path.Combine(data, $"s{i}.npy"), new HostTensor<float>([4, 1, 8, 8], values));
        }
        var entropy = CliRun.Of("quantize", _f.ModelPath, "--data", data, "--method", "entropy");
        entropy.AssertExit(0);
        Assert.That(entropy.Out, Does.Match(@"warning: tensor 'x': the entropy range .* clips [0-9.]+% of its values; try --method max or percentile \(amax max 5\.98[0-9]*, percentile 5\.9"));
        var max = CliRun.Of("quantize", _f.ModelPath, "--data", data, "--method", "max");
        max.AssertExit(0);
        Assert.That(max.Out, Does.Not.Contain("clips"));
    }
}
