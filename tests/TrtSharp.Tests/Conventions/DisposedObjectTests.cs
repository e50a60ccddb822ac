using TrtSharp.Benchmarking;
using TrtSharp.Datasets;
using TrtSharp.Cuda;
using TrtSharp.Inference;
using TrtSharp.IO;
using TrtSharp.Errors;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.Tensors;
using TrtSharp.Tests.Interop;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.Conventions;

/// <summary>
/// Every public disposable type refuses a use after <c>Dispose</c> with <see cref="ObjectDisposedException"/> (never
/// a crash, a freed pointer or a silent no-op). <see cref="EveryPublicDisposableTypeIsCovered"/> keeps the list whole.
/// </summary>
[TestFixture]
public sealed class DisposedObjectTests
{
    // Checked here on the CPU.
    private static readonly Type[] CpuChecked =
    [
        typeof(OnnxRuntimeSession), typeof(OnnxRuntimeBinding), typeof(PreparedRun), typeof(LayerProfiler),
        typeof(DatasetCalibrationSource), typeof(PendingFile), typeof(OpenedSession),
    ];

    // Checked by UsesAfterDisposeThrowOnTheGpu (ignored without a CUDA device and TensorRT).
    private static readonly Type[] GpuChecked =
    [
        typeof(CudaStream), typeof(CudaEvent), typeof(CudaGraph), typeof(DeviceBuffer<>), typeof(PinnedBuffer<>),
        typeof(TensorRtRuntime), typeof(Engine), typeof(TensorRtContext), typeof(TensorRtBinding),
    ];

    // Wrappers whose every use goes through an IInferenceBinding they own (which throws): no native state of their own.
    private static readonly Type[] DelegatingToABinding =
    [
        typeof(TrtSharp.Tools.Speech.MelFrameStream), typeof(TrtSharp.Tools.Speech.WakeWordWindows), typeof(TrtSharp.Tools.Speech.WakeWordPipeline),
    ];

    [Test]
    public void EveryPublicDisposableTypeIsCovered()
    {
        var covered = CpuChecked.Concat(GpuChecked).Concat(DelegatingToABinding).ToHashSet();
        // The three library assemblies: core, Quantization and Tools.
        var assemblies = new[] { typeof(TrtSharpException).Assembly, typeof(TrtSharp.Tools.Speech.MelFrameStream).Assembly,
            typeof(TrtSharp.Quantization.Precision.ModelQuantizer).Assembly };
        var missing = assemblies.Distinct().SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsAbstract && typeof(IDisposable).IsAssignableFrom(t))
            .Select(t => t.IsGenericType ? t.GetGenericTypeDefinition() : t)
            .Where(t => !covered.Contains(t))
            .Select(t => t.FullName)
            .ToList();
        Assert.That(missing, Is.Empty, "add a use-after-Dispose check for these types");
    }

    [Test]
    public void OnnxRuntimeTypesThrowAfterDispose()
    {
        var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        var binding = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] });
        var prepared = PreparedRun.Create(session, new Dictionary<string, long[]> { ["x"] = [1, 4] }, seed: 1);
        binding.Dispose();
        Assert.Throws<ObjectDisposedException>(() => binding.Run());
        Assert.Throws<ObjectDisposedException>(() => binding.Input("x"));
        prepared.Dispose();
        Assert.Throws<ObjectDisposedException>(() => prepared.Run());
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>(1, 4) }));
        Assert.Throws<ObjectDisposedException>(() => session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] }));
    }

    [Test]
    public void AnOpenedSessionDisposesTheSessionItOwns()
    {
        var opened = InferenceSessionFactory.Open(TrtSharp.Onnx.OnnxModel.FromProto(TestModels.ReluMul()), new InferenceSessionOptions { Backend = InferenceBackend.OnnxRuntime });
        opened.Dispose();
        Assert.Throws<ObjectDisposedException>(() => opened.Session.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>(1, 4) }));
        Assert.Throws<ObjectDisposedException>(() => opened.Session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] }));
    }

    [Test]
    public void ManagedWrappersOfNativeCallbacksThrowAfterDispose()
    {
        var profiler = new LayerProfiler((_, _) => { });
        profiler.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = profiler.UserPointer);

        var source = new DatasetCalibrationSource(new NoBatches());
        source.Dispose();
        var pointers = new IntPtr[1];
        Assert.Throws<ObjectDisposedException>(() => source.TryGetBatch(["x"], pointers));

        string dir = Path.Combine(Path.GetTempPath(), "trtsharp-disposed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var pending = AtomicFile.Begin(Path.Combine(dir, "f.bin"));
            pending.Dispose();
            Assert.Throws<ObjectDisposedException>(() => pending.Commit());
            Assert.Throws<ObjectDisposedException>(() => _ = pending.Stream);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    [Category("Gpu")]
    public void UsesAfterDisposeThrowOnTheGpu()
    {
        NativeShimFixture.RequireTensorRt();
        var stream = new CudaStream();
        var evt = new CudaEvent();
        var device = new DeviceBuffer<float>(4);
        var pinned = new PinnedBuffer<float>(4);
        var graph = CudaGraph.Capture(stream, s => device.Memset(0, s));
        graph.Dispose();
        Assert.Throws<ObjectDisposedException>(() => graph.Launch(stream));
        evt.Dispose();
        Assert.Throws<ObjectDisposedException>(() => evt.Record(stream));
        device.Dispose();
        Assert.Throws<ObjectDisposedException>(() => device.Memset(0, stream));
        pinned.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = pinned.Pointer);
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Synchronize());

        string dir = Path.Combine(Path.GetTempPath(), "trtsharp-disposed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string model = Path.Combine(dir, "m.onnx");
            File.WriteAllBytes(model, Google.Protobuf.MessageExtensions.ToByteArray(TestModels.ReluMul()));
            var options = new BuilderOptions().WithProfiles("x:1x4/1x4/2x4");
            var engine = EngineBuilder.Build(model, options);
            byte[] plan = engine.Serialize();
            var context = engine.CreateContext();
            var binding = context.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] });
            binding.Dispose();
            Assert.Throws<ObjectDisposedException>(() => binding.Run());
            context.Dispose();
            Assert.Throws<ObjectDisposedException>(() => context.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>(1, 4) }));
            engine.Dispose();
            Assert.Throws<ObjectDisposedException>(() => engine.Serialize());
            var runtime = TensorRtRuntime.Create();
            runtime.Dispose();
            Assert.Throws<ObjectDisposedException>(() => runtime.Deserialize(plan));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private sealed class NoBatches : ICalibrationDataset
    {
        public string Description => "no batches";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) => [];
    }
}
