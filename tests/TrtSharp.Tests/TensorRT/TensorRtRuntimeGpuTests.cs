using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.Tensors;
using TrtSharp.Tests.Interop;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.TensorRT;

/// <summary>
/// The runtime paths the header review found wrong, on a real GPU: version-compatible plans, the profiler with CUDA
/// graphs, several bindings and profiles on one context, graph switch-off, one-off runs, device affinity, disposal.
/// </summary>
[TestFixture]
[Category("Gpu")]
public class TensorRtRuntimeGpuTests
{
    private const string Conv2d = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d";
    private const string Reshape = "/usr/share/libonnx-testdata/data/node/test_reshape_reordered_all_dims";

    [SetUp]
    public void SetUp()
    {
        NativeShimFixture.RequireTensorRt();
    }

    private static float[] F(HostTensor t) => ((HostTensor<float>)t).Data;

    private static HostTensor ConvInput() =>
        TensorProtoFile.Read(Path.Combine(Conv2d, "test_data_set_0", "input_0.pb")).Tensor;

    private static float[] ConvExpected() =>
        F(TensorProtoFile.Read(Path.Combine(Conv2d, "test_data_set_0", "output_0.pb")).Tensor);

    private static HostTensor<float> Windows(int batch, int seed)
    {
        var random = new Random(seed);
        var data = new float[batch * 76 * 32];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble() * 4 - 2;
        }
        return new HostTensor<float>([batch, 76, 32, 1], data);
    }

    [Test]
    public void ReportsTheGpuEnvironment()
    {
        // One line for artifacts/gpu-check.md (the GpuTest target reads this test's output).
        var info = TensorRtRuntime.BuildInfo;
        var device = CudaDevice.Current;
        Assert.That(info.IsFull, Is.True);
        Assert.That(TensorRtRuntime.LoadedLibraryVersion.Major, Is.EqualTo(info.TensorRtVersion!.Major), "headers and library of one TensorRT major");
        Assert.That(CudaRuntime.RuntimeVersion.Major, Is.EqualTo(info.CudaRuntimeVersion / 1000), "the managed CUDA runtime is the shim's major");
        TestContext.Out.WriteLine(
            $"{device.Name} (compute {device.ComputeCapability}), TensorRT library {TensorRtRuntime.LoadedLibraryVersion} (headers {info.TensorRtVersion}), " +
            $"CUDA runtime {CudaRuntime.RuntimeVersion} from {CudaRuntime.LibraryPath} (shim built with {info.CudaRuntimeVersion}), driver supports CUDA {CudaRuntime.DriverVersion}");
    }

    [Test]
    public void VersionCompatiblePlanLoadsThroughItsManifest()
    {
        string model = Path.Combine(Conv2d, "model.onnx");
        string dir = Directory.CreateTempSubdirectory("trtsharp-vc").FullName;
        try
        {
            string plan = Path.Combine(dir, "vc.plan");
            var options = new BuilderOptions { VersionCompatible = true, Tf32 = false };
            using (var built = EngineBuilder.Build(model, options))
            {
                built.Save(plan, PlanManifest.Sha256OfFile(model), options);
            }
            // The manifest says version_compatible, so the runtime allows the plan's embedded lean runtime.
            using var engine = Engine.Load(plan);
            using var context = engine.CreateContext();
            var output = F(context.Run(new Dictionary<string, HostTensor> { [context.Inputs[0].Name] = ConvInput() })[context.Outputs[0].Name]);
            Assert.That(output, Is.EqualTo(ConvExpected()).Within(1e-3));
            // TensorRT's default refuses host code: the reason the runtime must opt in.
            Assert.Throws(Is.InstanceOf<TrtSharpException>(), () => Engine.Load(plan, allowEngineHostCode: false).Dispose());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void LayerProfilerReportsEveryRunWhileACudaGraphReplays()
    {
        string model = Path.Combine(Conv2d, "model.onnx");
        using var engine = EngineBuilder.Build(model, new BuilderOptions { ProfilingVerbosity = ProfilingVerbosity.Detailed, Tf32 = false });
        using var context = engine.CreateContext();
        int reports = 0;
        using var profiler = new LayerProfiler((_, ms) =>
        {
            Assert.That(ms, Is.GreaterThanOrEqualTo(0));
            reports++;
        });
        context.SetLayerProfiler(profiler);
        context.UseCudaGraph = true;
        using var binding = (TensorRtBinding)context.CreateBinding();
        string name = context.Inputs[0].Name;
        for (int run = 0; run < 3; run++)
        {
            reports = 0;
            ConvInput().AsBytes().CopyTo(binding.Input(name).AsBytes());
            binding.Run();
            Assert.That(binding.GraphCaptureFailed, Is.False, "capture must work with a profiler attached (enqueue stays asynchronous)");
            Assert.That(reports, Is.GreaterThan(0), $"run {run}: layer times");
            Assert.That(F(binding.Output(context.Outputs[0].Name)), Is.EqualTo(ConvExpected()).Within(1e-3), $"run {run}");
        }
        Assert.That(binding.IsReplayingGraph, Is.True);
        Assert.That(profiler.CallbackErrors, Is.Zero);
        context.SetLayerProfiler(null);
    }

    [Test]
    public void TwoGraphBindingsOnOneContextStayCorrectWhenAlternating()
    {
        string model = DefaultModels.EnsureInstalled().Embedding;
        using var ort = OnnxRuntimeSession.FromFile(model);
        string input = ort.Inputs[0].Name;
        using var engine = EngineBuilder.Build(model, new BuilderOptions { Tf32 = false }.WithProfiles($"{input}:1x76x32x1/4x76x32x1/8x76x32x1"));
        using var context = engine.CreateContext();
        context.UseCudaGraph = true;
        using var one = context.CreateBinding(new Dictionary<string, long[]> { [input] = [1, 76, 32, 1] });
        using var four = context.CreateBinding(new Dictionary<string, long[]> { [input] = [4, 76, 32, 1] });
        for (int round = 0; round < 3; round++)
        {
            foreach (var (binding, batch) in new[] { (one, 1), (four, 4) })
            {
                var x = Windows(batch, 100 * round + batch);
                x.AsBytes().CopyTo(binding.Input(input).AsBytes());
                binding.Run();
                var reference = F(ort.Run(new Dictionary<string, HostTensor> { [input] = x })[ort.Outputs[0].Name]);
                Assert.That(TrtSharp.Tests.Quantization.Precision.OrtHarness.Cosine(F(binding.Output(context.Outputs[0].Name)), reference),
                    Is.GreaterThan(0.99999), $"round {round}, batch {batch}");
            }
        }
    }

    [Test]
    public void BindingsRunWithTheirOwnOptimizationProfile()
    {
        string model = DefaultModels.EnsureInstalled().Embedding;
        using var ort = OnnxRuntimeSession.FromFile(model);
        string input = ort.Inputs[0].Name;
        var options = new BuilderOptions { Tf32 = false }.WithProfiles($"{input}:1x76x32x1/4x76x32x1/8x76x32x1");
        options.AdditionalProfiles.Add(new() { [input] = ([16, 76, 32, 1], [24, 76, 32, 1], [32, 76, 32, 1]) });
        using var engine = EngineBuilder.Build(model, options);
        Assert.That(engine.ProfileCount, Is.EqualTo(2));
        Assert.That(engine.Inputs.Single().Profiles[1].Max, Is.EqualTo(new long[] { 32, 76, 32, 1 }));
        using var context = engine.CreateContext();
        Assert.Throws<ArgumentOutOfRangeException>(() => context.SetOptimizationProfile(2));
        using var small = context.CreateBinding(new Dictionary<string, long[]> { [input] = [3, 76, 32, 1] }, profile: 0);
        using var large = context.CreateBinding(new Dictionary<string, long[]> { [input] = [24, 76, 32, 1] }, profile: 1);
        Assert.That(large.Profile, Is.EqualTo(1));
        for (int round = 0; round < 2; round++)
        {
            foreach (var (binding, batch) in new[] { (small, 3), (large, 24) })
            {
                var x = Windows(batch, round * 7 + batch);
                x.AsBytes().CopyTo(binding.Input(input).AsBytes());
                binding.Run();
                Assert.That(context.ActiveProfile, Is.EqualTo(binding.Profile));
                var reference = F(ort.Run(new Dictionary<string, HostTensor> { [input] = x })[ort.Outputs[0].Name]);
                Assert.That(TrtSharp.Tests.Quantization.Precision.OrtHarness.Cosine(F(binding.Output(context.Outputs[0].Name)), reference),
                    Is.GreaterThan(0.99999), $"round {round}, batch {batch}");
            }
        }
    }

    [Test]
    public void TurningCudaGraphsOffDropsTheCapturedGraph()
    {
        using var engine = EngineBuilder.Build(Path.Combine(Conv2d, "model.onnx"), new BuilderOptions { Tf32 = false });
        using var context = engine.CreateContext();
        context.UseCudaGraph = true;
        using var binding = (TensorRtBinding)context.CreateBinding();
        string name = context.Inputs[0].Name;
        ConvInput().AsBytes().CopyTo(binding.Input(name).AsBytes());
        binding.Run();
        Assert.That(binding.IsReplayingGraph, Is.True);
        context.UseCudaGraph = false;
        binding.Run();
        Assert.That(binding.IsReplayingGraph, Is.False);
        Assert.That(F(binding.Output(context.Outputs[0].Name)), Is.EqualTo(ConvExpected()).Within(1e-3));
    }

    [Test]
    public void OneOffRunsIgnoreCudaGraphsEvenForShapeTensorEngines()
    {
        // Run makes a throw-away binding: capturing would be wasted work, and for shape-tensor engines it was refused.
        string model = Path.Combine(Reshape, "model.onnx");
        var shape = TensorProtoFile.Read(Path.Combine(Reshape, "test_data_set_0", "input_1.pb")).Tensor;
        long[] values = ((HostTensor<long>)shape).Data;
        var options = new BuilderOptions();
        using var ort = OnnxRuntimeSession.FromFile(model);
        options.ShapeValues[ort.Inputs[1].Name] = (values, values, values);
        using var engine = EngineBuilder.Build(model, options);
        using var context = engine.CreateContext();
        context.UseCudaGraph = true;
        var inputs = new Dictionary<string, HostTensor>
        {
            [ort.Inputs[0].Name] = TensorProtoFile.Read(Path.Combine(Reshape, "test_data_set_0", "input_0.pb")).Tensor,
            [ort.Inputs[1].Name] = shape,
        };
        var expected = TensorProtoFile.Read(Path.Combine(Reshape, "test_data_set_0", "output_0.pb")).Tensor;
        for (int run = 0; run < 2; run++)
        {
            Assert.That(F(context.Run(inputs)[context.Outputs[0].Name]), Is.EqualTo(F(expected)), $"run {run}");
        }
    }

    [Test]
    public void ContextsRunOnTheirDeviceFromAnyThread()
    {
        using var engine = EngineBuilder.Build(Path.Combine(Conv2d, "model.onnx"), new BuilderOptions { Tf32 = false });
        using var context = engine.CreateContext();
        Assert.That(context.DeviceIndex, Is.EqualTo(CudaDevice.Current.Index));
        int other = CudaRuntime.DeviceCount > 1 ? (context.DeviceIndex + 1) % CudaRuntime.DeviceCount : context.DeviceIndex;
        float[]? output = null;
        int deviceDuringRun = -1;
        var thread = new Thread(() =>
        {
            // A worker whose current device is another GPU (when there is one): the run must still use the context's.
            CudaDevice.Get(other).SetCurrent();
            output = F(context.Run(new Dictionary<string, HostTensor> { [context.Inputs[0].Name] = ConvInput() })[context.Outputs[0].Name]);
            deviceDuringRun = CudaDevice.Current.Index;
        });
        thread.Start();
        thread.Join();
        Assert.That(output, Is.EqualTo(ConvExpected()).Within(1e-3));
        Assert.That(deviceDuringRun, Is.EqualTo(context.DeviceIndex));
    }

    [Test]
    public void DisposingRightAfterAnAsyncEnqueueWaitsForIt()
    {
        using var engine = EngineBuilder.Build(Path.Combine(Conv2d, "model.onnx"), new BuilderOptions { Tf32 = false });
        var input = ConvInput();
        var expected = ConvExpected();
        using var inBuffer = new DeviceBuffer<byte>(input.AsBytes().Length);
        using var outBuffer = new DeviceBuffer<byte>(expected.Length * sizeof(float));
        var context = engine.CreateContext();
        inBuffer.CopyFromHost(input.AsBytes(), context.Stream);
        context.SetTensorAddress(context.Inputs[0].Name, inBuffer.Pointer);
        context.SetTensorAddress(context.Outputs[0].Name, outBuffer.Pointer);
        for (int i = 0; i < 200; i++)
        {
            context.Enqueue(context.Stream);
        }
        using var done = new CudaEvent(enableTiming: false);
        done.Record(context.Stream);
        // No synchronize: Dispose must wait for the queued work before releasing the context and its stream.
        context.Dispose();
        Assert.That(done.IsComplete, Is.True, "Dispose returned while enqueued work was still running");
        var host = new byte[expected.Length * sizeof(float)];
        using var copyStream = new CudaStream();
        outBuffer.CopyToHost(host, copyStream);
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(host).ToArray(), Is.EqualTo(expected).Within(1e-3));
    }
}
