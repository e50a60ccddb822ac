using Microsoft.Extensions.Logging;
using TrtSharp.Errors;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;
using TrtSharp.TensorRT;
using TrtSharp.Tests.Interop;

namespace TrtSharp.Tests.TensorRT;

/// <summary>The managed TensorRT API against the real core-only shim: every entry point fails with one clear reason.</summary>
[TestFixture]
public class TensorRtCoreOnlyTests
{
    private const string ConvModel = "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding/model.onnx";
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        NativeShimFixture.RequireShim();
        if (TensorRtRuntime.BuildInfo.IsFull)
        {
            Assert.Ignore("the shim was built with TensorRT; the core-only behaviour cannot be observed");
        }
        _dir = Directory.CreateTempSubdirectory("trtsharp-trt").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    [Test]
    public void BuildInfoReportsCoreOnly()
    {
        var info = TensorRtRuntime.BuildInfo;
        Assert.Multiple(() =>
        {
            Assert.That(info.IsFull, Is.False);
            Assert.That(info.AbiVersion, Is.EqualTo(TrtsNative.AbiVersion));
            Assert.That(info.TensorRtVersion, Is.Null);
            Assert.That(info.SupportsWeakTyping, Is.False);
            Assert.That(TensorRtRuntime.IsAvailable, Is.False);
            Assert.That(TensorRtRuntime.UnavailableReason, Does.Contain("built without TensorRT"));
        });
    }

    [Test]
    public void EveryEntryPointThrowsOneClearBackendUnavailable()
    {
        string plan = Path.Combine(_dir, "m.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        var failures = new Action[]
        {
            () => EngineBuilder.Build(ConvModel, new BuilderOptions()),
            () => Engine.Load(plan),
            () => TrtSharp.TensorRT.TensorRtContext.Open(plan),
            () => TensorRtRuntime.Create(),
            () => _ = TensorRtRuntime.LoadedLibraryVersion,
        };
        foreach (var f in failures)
        {
            var ex = Assert.Throws<BackendUnavailableException>(f)!;
            Assert.That(ex.Message, Does.Contain("TensorRT is not available").And.Contain("the native shim was built without TensorRT"));
        }
    }

    [Test]
    public unsafe void RawBuilderCallReportsUnavailableThroughTheShim()
    {
        using var handle = new BuilderHandle();
        TrtsBuilder* raw = null;
        var status = TrtsNative.BuilderCreate(&raw);
        handle.Attach((nint)raw, null);
        Assert.That(status, Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(handle.IsInvalid, Is.True);
        var ex = TrtSharp.Interop.NativeStatus.ToException(status, "trts_builder_create");
        Assert.That(ex, Is.InstanceOf<BackendUnavailableException>());
        Assert.That(ex.Message, Does.Contain("TRTS_E_UNAVAILABLE"));
    }

    [Test]
    public void ManifestMismatchIsRefusedWithEveryReason()
    {
        string plan = Path.Combine(_dir, "m.plan");
        byte[] bytes = [9, 8, 7, 6];
        File.WriteAllBytes(plan, bytes);
        var manifest = new PlanManifest
        {
            TensorRtVersion = "10.16.1",
            GpuName = "NVIDIA H100",
            ComputeCapability = "9.0",
            ModelSha256 = new string('a', 64),
            PlanSha256 = PlanManifest.Sha256(bytes),
        };
        Assert.DoesNotThrow(() => Engine.CheckManifest(plan, manifest, bytes, "10.16.1", "9.0"));
        var ex = Assert.Throws<ModelFormatException>(() => Engine.CheckManifest(plan, manifest, bytes, "11.0.0", "8.9"))!;
        Assert.That(ex.Message, Does.Contain(plan).And.Contain("TensorRT 10.16.1").And.Contain("11.0.0").And.Contain("compute capability 9.0"));
        byte[] swapped = [1, 1, 1, 1];
        var swappedEx = Assert.Throws<ModelFormatException>(() => Engine.CheckManifest(plan, manifest, swapped, "10.16.1", "9.0"))!;
        Assert.That(swappedEx.Message, Does.Contain("SHA-256 differs"));
    }

    [Test]
    public unsafe void ChildKeepsParentAliveAndDoubleDisposeIsHarmless()
    {
        byte[] payload = [42, 43, 44];
        var parent = CreateBlob(payload, null);
        var child = CreateBlob([1], parent);
        nint parentRaw = parent.DangerousGetHandle();

        parent.Dispose();
        parent.Dispose();
        // The child's reference defers the parent's release: not closed yet, and the native blob is still readable.
        Assert.That(parent.IsClosed, Is.False);
        void* data;
        ulong size;
        Assert.That(TrtsNative.BlobGet((TrtsBlob*)parentRaw, &data, &size), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(new ReadOnlySpan<byte>(data, (int)size).ToArray(), Is.EqualTo(payload));

        child.Dispose();
        child.Dispose();
        Assert.That(child.IsClosed, Is.True);
        Assert.That(parent.IsClosed, Is.True, "the last child released the parent");
        long leaks = TrtSharp.Diagnostics.NativeLeakTracker.Count;
        Assert.Throws<ObjectDisposedException>(() => CreateBlob([2], parent));
        // The child that could not attach to its disposed parent was destroyed, not left to the finalizer.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(leaks));
    }

    [Test]
    public unsafe void LoggerBridgeRoutesShimMessagesToILogger()
    {
        var logger = new ListLogger();
        TensorRtRuntime.SetLogger(logger, LogLevel.Information);
        try
        {
            byte[] message = "hello from the shim\0"u8.ToArray();
            byte[] verbose = "too verbose\0"u8.ToArray();
            fixed (byte* m = message)
            fixed (byte* v = verbose)
            {
                Assert.That(TrtsNative.DebugEmitLog(TrtsSeverity.Warning, m), Is.EqualTo(TrtsStatus.Ok));
                Assert.That(TrtsNative.DebugEmitLog(TrtsSeverity.Verbose, v), Is.EqualTo(TrtsStatus.Ok));
            }
        }
        finally
        {
            TensorRtRuntime.SetLogger(null);
        }
        Assert.That(logger.Entries, Is.EqualTo(new[] { (LogLevel.Warning, "TensorRT: hello from the shim") }));
    }

    [Test]
    public void HardwareCompatAndProfilesParse()
    {
        Assert.That(BuilderOptions.ParseHardwareCompatibility("ampere+"), Is.EqualTo(HardwareCompatibility.AmperePlus));
        Assert.Throws<FormatException>(() => BuilderOptions.ParseHardwareCompatibility("hopper"));
        var options = new BuilderOptions().WithProfiles("input:1x76x32x1/8x76x32x1/32x76x32x1");
        Assert.That(options.Profiles["input"].Max, Is.EqualTo(new long[] { 32, 76, 32, 1 }));
        Assert.That(options.Describe()["profiles"], Is.EqualTo("input:1x76x32x1/8x76x32x1/32x76x32x1"));
    }

    private static unsafe BlobHandle CreateBlob(byte[] payload, BlobHandle? parent)
    {
        var handle = new BlobHandle();
        TrtsBlob* raw = null;
        TrtsStatus status;
        fixed (byte* p = payload)
        {
            status = TrtsNative.BlobCreate(p, (ulong)payload.Length, &raw);
        }
        handle.Attach((nint)raw, parent);
        Assert.That(status, Is.EqualTo(TrtsStatus.Ok));
        return handle;
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel, string)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
