using TrtSharp.Tests.Quantization;

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
        Assert.That(Directory.GetFiles(stem + ".int8.qdq.onnx.report/plots", "*.png"), Has.Length.EqualTo(4));
        Assert.That(run.Out, Does.Contain("PASSED"));
    }

    [Test]
    public void AMissedCosineTargetExitsOne()
    {
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--target-cosine", "1.0000001");
        run.AssertExit(1);
        Assert.That(run.Out, Does.Contain("FAILED: cosine below the target"));
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
}
