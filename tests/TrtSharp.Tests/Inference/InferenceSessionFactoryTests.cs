using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.Tensors;
using TrtSharp.Tests.Interop;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.Inference;

/// <summary>The factory that opens a model on the best backend here and says why, from the real probes.</summary>
public sealed class InferenceSessionFactoryTests
{
    private string _dir = "";
    private string _model = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("trtsharp-factory-").FullName;
        _model = Path.Combine(_dir, "relu_mul.onnx");
        File.WriteAllBytes(_model, TestModels.ReluMul().ToByteArray());
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void WithoutTensorRtItChoosesOnnxRuntimeAndSaysWhy()
    {
        NativeShimFixture.RequireShim();
        if (TensorRtRuntime.IsAvailable)
        {
            Assert.Ignore("TensorRT is usable here; the GPU test covers that choice");
        }
        var options = new InferenceSessionOptions();
        options.OnnxRuntime.ExecutionProviders.Add(new CudaProviderOptions());
        options.OnnxRuntime.ExecutionProviders.Add(new CpuProviderOptions());
        using OpenedSession opened = InferenceSessionFactory.Open(_model, options);
        TestContext.Out.WriteLine(opened.Choice);

        Assert.That(opened.Choice.Backend, Is.EqualTo(InferenceBackend.OnnxRuntime));
        Assert.That(opened.Session, Is.InstanceOf<OnnxRuntimeSession>());
        // The reasons are the probes' own findings, not a fixed sentence.
        Assert.That(opened.Choice.Reasons[0], Is.EqualTo("TensorRT: " + InferenceSessionFactory.TensorRtUnavailableReason()));
        Assert.That(opened.Choice.Reasons[0], Does.Contain(TensorRtRuntime.UnavailableReason));
        string cuda = opened.Choice.Reasons.Single(r => r.StartsWith("CUDA EP: ", StringComparison.Ordinal));
        Assert.That(cuda, Does.Contain(((OnnxRuntimeSession)opened.Session).ProviderFallbacks.Single().Reason)
            .And.Contain("Microsoft.ML.OnnxRuntime.Gpu.Linux"));
        Assert.That(opened.Choice.Reasons[^1], Is.EqualTo("ONNX Runtime runs on CPUExecutionProvider"));

        var x = new HostTensor<float>([1, 4], [-1f, 2, -3, 4]);
        var y = (HostTensor<float>)opened.Session.Run(new Dictionary<string, HostTensor> { ["x"] = x })["y"];
        Assert.That(y.Data, Is.EqualTo(new float[] { 0, 4, 0, 8 }));
    }

    [Test]
    public void TheTensorRtReasonNamesTheMissingLibraryWhenTheShimIsCoreOnly()
    {
        NativeShimFixture.RequireShim();
        if (TensorRtRuntime.BuildInfo.IsFull)
        {
            Assert.Ignore("the shim is built with TensorRT");
        }
        string? reason = InferenceSessionFactory.TensorRtUnavailableReason();
        TestContext.Out.WriteLine(reason);
        Assert.That(reason, Does.Contain("core-only"));
        if (TensorRtLibraryProbe.Missing() is { } missing)
        {
            Assert.That(reason, Does.Contain(missing).And.Contain("libnvinfer.so.10"));
        }
    }

    [Test]
    public void ForcingTensorRtWhereItCannotRunThrowsWithTheReason()
    {
        NativeShimFixture.RequireShim();
        if (TensorRtRuntime.IsAvailable)
        {
            Assert.Ignore("TensorRT is usable here");
        }
        var options = new InferenceSessionOptions { Backend = InferenceBackend.TensorRt };
        var ex = Assert.Throws<BackendUnavailableException>(() => InferenceSessionFactory.Open(_model, options));
        Assert.That(ex!.Message, Does.StartWith("TensorRT was asked for but cannot run here: ")
            .And.Contain(TensorRtRuntime.UnavailableReason));
        var plan = Path.Combine(_dir, "model.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        Assert.That(Assert.Throws<BackendUnavailableException>(() => InferenceSessionFactory.Open(plan))!.Message,
            Does.Contain("is a TensorRT plan, and TensorRT cannot run here"));
        Assert.That(Assert.Throws<BackendUnavailableException>(() => InferenceSessionFactory.Open(plan, new() { Backend = InferenceBackend.OnnxRuntime }))!.Message,
            Does.Contain("ONNX Runtime cannot run it"));
    }

    [Test]
    public void ForcingOnnxRuntimeOpensAnInMemoryModel()
    {
        var model = OnnxModel.FromProto(TestModels.ReluMul());
        using OpenedSession opened = InferenceSessionFactory.Open(model, new InferenceSessionOptions { Backend = InferenceBackend.OnnxRuntime });
        Assert.That(opened.Choice.Backend, Is.EqualTo(InferenceBackend.OnnxRuntime));
        Assert.That(opened.Choice.Reasons, Has.None.StartsWith("TensorRT"), "TensorRT was not asked for, so it is not probed");
        Assert.That(opened.Session.Backend, Is.EqualTo(InferenceBackend.OnnxRuntime));
    }

    [Test]
    [Category("Gpu")]
    public void WithADeviceItChoosesTensorRtAndReusesTheCachedEngine()
    {
        NativeShimFixture.RequireTensorRt();
        var options = new InferenceSessionOptions
        {
            EngineCache = new EngineCache(Path.Combine(_dir, "cache")),
            TensorRtBuild = new BuilderOptions().WithProfiles("x:1x4/4x4/8x4"),
        };
        var x = new HostTensor<float>([2, 4], [-1f, 2, -3, 4, 5, -6, 7, -8]);
        using (OpenedSession first = InferenceSessionFactory.Open(_model, options))
        {
            TestContext.Out.WriteLine(first.Choice);
            Assert.That(first.Choice.Backend, Is.EqualTo(InferenceBackend.TensorRt));
            Assert.That(first.Choice.Reasons, Has.Some.Contains("engine built and stored in the cache"));
            using var ort = OnnxRuntimeSession.FromFile(_model);
            var expected = (HostTensor<float>)ort.Run(new Dictionary<string, HostTensor> { ["x"] = x })["y"];
            var actual = (HostTensor<float>)first.Session.Run(new Dictionary<string, HostTensor> { ["x"] = x })["y"];
            Assert.That(actual.Data, Is.EqualTo(expected.Data));
        }
        using OpenedSession second = InferenceSessionFactory.Open(_model, options);
        Assert.That(second.Choice.Reasons, Has.Some.Contains("engine loaded from the cache"));
    }
}
