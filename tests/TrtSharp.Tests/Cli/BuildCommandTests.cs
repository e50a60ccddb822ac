using TrtSharp.TensorRT;
using TrtSharp.Tests.Interop;

namespace TrtSharp.Tests.Cli;

[TestFixture]
public class BuildCommandTests
{
    private const string ConvModel = "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding/model.onnx";

    [SetUp]
    public void SetUp()
    {
        NativeShimFixture.RequireShim();
        if (TensorRtRuntime.IsAvailable)
        {
            Assert.Ignore("TensorRT is available here; the unavailable path cannot be observed");
        }
    }

    [Test]
    public void BuildWithoutTensorRtFailsWithOneClearLine()
    {
        string plan = Path.Combine(Path.GetTempPath(), $"trtsharp-{Guid.NewGuid():N}.plan");
        var run = CliRun.Of("build", ConvModel, "-o", plan, "--shapes", "x:1x1x7x5", "--workspace", "1GiB", "--opt-level", "3", "--hardware-compat", "ampere+");
        run.AssertOneLineError("the native shim was built without TensorRT");
        Assert.That(File.Exists(plan), Is.False);
    }

    [Test]
    public void RunAndBenchOfAPlanFailWithTheSameLine()
    {
        string plan = Path.Combine(Path.GetTempPath(), $"trtsharp-{Guid.NewGuid():N}.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        try
        {
            CliRun.Of("run", plan).AssertOneLineError("the native shim was built without TensorRT");
        }
        finally
        {
            File.Delete(plan);
        }
    }

    [Test]
    public void BadWorkspaceIsOneLine() =>
        CliRun.Of("build", ConvModel, "-o", "x.plan", "--workspace", "lots").AssertOneLineError("'lots'");

    [Test]
    public void CacheLimitWithoutCacheFolderIsOneLine() =>
        CliRun.Of("build", ConvModel, "-o", "x.plan", "--cache-max-size", "1GiB").AssertOneLineError("--cache-max-size needs --cache-dir");

    [Test]
    public void BadCacheLimitIsOneLine() =>
        CliRun.Of("build", ConvModel, "-o", "x.plan", "--cache-dir", "c", "--cache-max-size", "huge").AssertOneLineError("'huge'");

    [Test]
    public void CalibrationCacheWithoutInt8IsOneLine()
    {
        // A calibrator without INT8 would be ignored by TensorRT (an FP32 engine): refused before anything loads.
        string cache = Path.Combine(Path.GetTempPath(), $"trtsharp-{Guid.NewGuid():N}.cache");
        File.WriteAllText(cache, "TRT-100600-EntropyCalibration2\n");
        try
        {
            CliRun.Of("build", ConvModel, "-o", "x.plan", "--calib-cache", cache).AssertOneLineError("Int8 is false");
        }
        finally
        {
            File.Delete(cache);
        }
    }

    [Test]
    public void ShapeValuesOutOfOrderAreOneLine() =>
        CliRun.Of("build", ConvModel, "-o", "x.plan", "--shape-values", "shape:4x1/2x1/1x1").AssertOneLineError("min ≤ opt ≤ max");

    [Test]
    public void CalibrationDataWithoutInt8IsOneLine() =>
        CliRun.Of("build", ConvModel, "-o", "x.plan", "--calib-data", "/tmp").AssertOneLineError("add --int8");

    [Test]
    public void LegacyCalibrationFromSpeechWithoutTensorRtFailsWithOneClearLine()
    {
        string model = TrtSharp.Tools.Models.DefaultModels.EnsureInstalled().Embedding;
        string manifest = Path.Combine(TrtSharp.Tests.Tools.Models.InstalledSpeechModels.CalibrationDataDirectory(), "manifest.csv");
        string plan = Path.Combine(Path.GetTempPath(), $"trtsharp-{Guid.NewGuid():N}.plan");
        string cache = plan + ".cache";

        CliRun.Of("build", model, "-o", plan, "--int8", "--calib-speech", manifest, "--calib-cache", cache, "--shapes", "input_1:1x76x32x1/8x76x32x1/8x76x32x1")
            .AssertOneLineError("the native shim was built without TensorRT");

        Assert.That(File.Exists(plan), Is.False);
        Assert.That(File.Exists(cache), Is.False);
    }
}
