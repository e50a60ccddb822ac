using TrtSharp.Errors;
using TrtSharp.TensorRT;

namespace TrtSharp.Tests.TensorRT;

/// <summary>Builder options checked before any TensorRT work: contradictions, version limits, shape-tensor values.</summary>
[TestFixture]
public class BuilderOptionsTests
{
    private sealed class NoBatches : ICalibrationBatchSource
    {
        public bool TryGetBatch(IReadOnlyList<string> inputNames, Span<IntPtr> devicePointers) => false;

        public byte[]? ReadCache() => null;

        public void WriteCache(ReadOnlySpan<byte> cache) { }
    }

    private static PlanManifest Manifest(bool versionCompatible) => new()
    {
        TensorRtVersion = "10.16.1",
        GpuName = "test",
        ComputeCapability = "9.0",
        ModelSha256 = "",
        PlanSha256 = "",
        VersionCompatible = versionCompatible,
    };

    [Test]
    public void CalibratorWithoutInt8IsRefused()
    {
        var options = new BuilderOptions { Calibrator = new NoBatches() };
        var ex = Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.That(ex!.Message, Does.Contain("Int8").And.Contain("FP32"));
        options.Int8 = true;
        Assert.DoesNotThrow(() => options.Validate());
    }

    [Test]
    public void EngineBuilderRefusesTheCalibratorBeforeLookingForTensorRt()
    {
        // No TensorRT is needed to see the mistake: it is reported before the backend check and the build.
        var options = new BuilderOptions { Calibrator = new NoBatches() };
        Assert.Throws<ArgumentException>(() => EngineBuilder.Build("/nonexistent/model.onnx", options));
    }

    [Test]
    public void SameComputeCapabilityNeedsTensorRt109()
    {
        var options = new BuilderOptions { HardwareCompatibility = HardwareCompatibility.SameComputeCapability };
        var ex = Assert.Throws<TensorRtUnsupportedException>(() => options.Validate(new Version(10, 3, 0, 26)));
        Assert.That(ex!.Message, Does.Contain("10.9").And.Contain("10.3"));
        Assert.DoesNotThrow(() => options.Validate(new Version(10, 9, 0)));
        Assert.DoesNotThrow(() => options.Validate(new Version(11, 1, 0)));
    }

    [Test]
    public void ShapeValuesParseSignedValuesPerProfileSelector()
    {
        var options = new BuilderOptions().WithShapeValues("shape:1x-1/2x-1/4x-1,axes:0");
        Assert.Multiple(() =>
        {
            Assert.That(options.ShapeValues["shape"].Min, Is.EqualTo(new long[] { 1, -1 }));
            Assert.That(options.ShapeValues["shape"].Max, Is.EqualTo(new long[] { 4, -1 }));
            Assert.That(options.ShapeValues["axes"].Opt, Is.EqualTo(new long[] { 0 }));
            Assert.That(options.Describe()["shape_values"], Is.EqualTo("axes:0/0/0,shape:1x-1/2x-1/4x-1"));
        });
        Assert.Throws<FormatException>(() => new BuilderOptions().WithShapeValues("shape:4x1/2x1/1x1"), "min > max");
        Assert.Throws<FormatException>(() => new BuilderOptions().WithProfiles("x:1x-1"), "shapes stay non-negative");
    }

    [Test]
    public void Tf32IsOnByDefaultAndRecordedInTheManifestOptions()
    {
        var options = new BuilderOptions();
        Assert.That(options.Tf32, Is.True);
        Assert.That(options.Describe()["tf32"], Is.EqualTo("true"));
        options.Tf32 = false;
        Assert.That(options.Describe()["tf32"], Is.EqualTo("false"));
    }

    [Test]
    public void AdditionalProfilesAreRecordedInTheManifestOptions()
    {
        var options = new BuilderOptions().WithProfiles("x:1x4/2x4/4x4");
        options.AdditionalProfiles.Add(new Dictionary<string, (long[], long[], long[])> { ["x"] = ([8, 4], [16, 4], [32, 4]) });
        Assert.That(options.Describe()["additional_profiles"], Is.EqualTo("x:8x4/16x4/32x4"));
    }

    [Test]
    public void HostCodeFollowsTheCheckedManifestUnlessChosen()
    {
        var compatible = Manifest(true);
        var plain = Manifest(false);
        Assert.Multiple(() =>
        {
            Assert.That(Engine.AllowsEngineHostCode(compatible, null), Is.True, "a version-compatible plan cannot load without it");
            Assert.That(Engine.AllowsEngineHostCode(plain, null), Is.False);
            Assert.That(Engine.AllowsEngineHostCode(null, null), Is.False, "unchecked plans bring no host code by default");
            Assert.That(Engine.AllowsEngineHostCode(null, true), Is.True);
            Assert.That(Engine.AllowsEngineHostCode(compatible, false), Is.False);
        });
    }

    [Test]
    public void ShapeValuesNeedAtLeastOneValue()
    {
        var options = new BuilderOptions();
        options.ShapeValues["shape"] = ([], [], []);
        Assert.That(() => options.Validate(), Throws.ArgumentException.With.Message.Contains("at least one value"));
    }

    [Test]
    public void LegacyCalibrationOfShapeTensorNetworksIsRefusedUpFront()
    {
        var options = new BuilderOptions { Int8 = true, Calibrator = new CalibrationCacheSource("unused.cache") };
        options.ShapeValues["shape"] = ([1, 4], [2, 4], [4, 4]);
        Assert.That(() => options.Validate(), Throws.TypeOf<TrtSharp.Errors.TensorRtUnsupportedException>().With.Message.Contains("Q/DQ"));
    }
}
