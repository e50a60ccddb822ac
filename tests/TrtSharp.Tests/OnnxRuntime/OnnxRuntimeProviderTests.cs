using Microsoft.Extensions.Logging;
using TrtSharp.Errors;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>The NuGet package here carries only the CPU provider, so the fallback path runs for real.</summary>
public class OnnxRuntimeProviderTests
{
    [Test]
    public void TensorRtThenCudaThenCpu_FallsBackToCpu_WithReasons()
    {
        var logger = new ListLogger();
        var options = new OnnxRuntimeOptions { Logger = logger };
        options.ExecutionProviders.Add(new TensorRtProviderOptions { Fp16 = true, Int8 = true, EngineCacheEnable = true, EngineCachePath = "/tmp/trt-cache" });
        options.ExecutionProviders.Add(new CudaProviderOptions { DeviceId = 0 });
        options.ExecutionProviders.Add(new CpuProviderOptions());
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul(), options);

        Assert.That(session.Device, Is.EqualTo("CPUExecutionProvider"));
        Assert.That(session.ActiveProviders, Is.EqualTo(new[] { "CPUExecutionProvider" }));
        Assert.That(session.ProviderFallbacks.Select(f => f.ProviderName), Is.EqualTo(new[] { "TensorrtExecutionProvider", "CUDAExecutionProvider" }));
        Assert.That(session.ProviderFallbacks.Select(f => f.Reason), Has.All.Not.Empty);
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, session.ProviderFallbacks));
        Assert.That(logger.Entries.Count(e => e.Level == LogLevel.Warning), Is.EqualTo(2));
        Assert.That(logger.Entries[0].Message, Does.Contain("TensorrtExecutionProvider"));
        Assert.That(logger.Entries.Last(), Is.EqualTo((LogLevel.Information, "ONNX Runtime session for an in-memory model runs on CPUExecutionProvider")));

        var y = (HostTensor<float>)session.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([1, 4], [1, -1, 2, -2]) })["y"];
        Assert.That(y.Data, Is.EqualTo(new[] { 2f, 0, 4, 0 }));
    }

    [Test]
    public void OpenVino_FallsBackToCpu()
    {
        var options = new OnnxRuntimeOptions();
        options.ExecutionProviders.Add(new OpenVinoProviderOptions { DeviceType = "CPU" });
        options.ExecutionProviders.Add(new CpuProviderOptions { UseArena = false });
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul(), options);
        Assert.That(session.Device, Is.EqualTo("CPUExecutionProvider"));
        Assert.That(session.ProviderFallbacks.Single().ProviderName, Is.EqualTo("OpenVINOExecutionProvider"));
    }

    [Test]
    public void NoUsableProvider_IsBackendUnavailable_WithEveryReason()
    {
        var options = new OnnxRuntimeOptions();
        options.ExecutionProviders.Add(new TensorRtProviderOptions());
        options.ExecutionProviders.Add(new CudaProviderOptions());
        var ex = Assert.Throws<BackendUnavailableException>(() => OnnxRuntimeSession.FromModel(TestModels.ReluMul(), options));
        Assert.That(ex!.Message, Does.Contain("TensorrtExecutionProvider:").And.Contain("CUDAExecutionProvider:"));
    }

    [Test]
    public void NoProvidersGiven_MeansCpu()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        Assert.That(session.Device, Is.EqualTo("CPUExecutionProvider"));
        Assert.That(session.ProviderFallbacks, Is.Empty);
    }

    [Test]
    public void TensorRtOptions_MapToOnnxRuntimeKeys()
    {
        var o = new TensorRtProviderOptions { DeviceId = 1, Fp16 = true, EngineCacheEnable = true, EngineCachePath = "/c" }.ToProviderOptions();
        Assert.That(o["device_id"], Is.EqualTo("1"));
        Assert.That(o["trt_fp16_enable"], Is.EqualTo("1"));
        Assert.That(o["trt_int8_enable"], Is.EqualTo("0"));
        Assert.That(o["trt_engine_cache_enable"], Is.EqualTo("1"));
        Assert.That(o["trt_engine_cache_path"], Is.EqualTo("/c"));
    }
}
