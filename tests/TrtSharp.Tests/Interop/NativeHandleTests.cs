using TrtSharp.Diagnostics;
using System.Reflection;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;
using TrtSharp.TensorRT;

namespace TrtSharp.Tests.Interop;

/// <summary>
/// The one native-handle base: leases keep a handle alive across a call, a use after Dispose throws
/// <see cref="ObjectDisposedException"/>, and every handle type is generated or derived from it. Core-only shim
/// functions (blobs, the calibrator's test hook) make these run without TensorRT.
/// </summary>
[TestFixture]
public sealed unsafe class NativeHandleTests
{
    private static IEnumerable<Type> HandleTypes() =>
        typeof(NativeHandle).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(NativeHandle)) && !t.IsAbstract);

    [Test]
    public void EveryOpaqueShimTypeHasAGeneratedHandle()
    {
        var opaque = typeof(TrtsNative).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(TrtsNative).Namespace && t.IsValueType && t.Name.StartsWith("Trts", StringComparison.Ordinal)
                && t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length == 0)
            .Select(t => t.Name[4..] + "Handle").Order().ToArray();
        var handles = HandleTypes().Where(t => t.Namespace == typeof(TrtsNative).Namespace).Select(t => t.Name).Order().ToArray();
        Assert.That(opaque, Has.Length.EqualTo(8), "trtsharp.h declares eight opaque handle types");
        Assert.That(handles, Is.EqualTo(opaque));
        // The CUDA handles share the base (one leak tracker, one lease).
        Assert.That(HandleTypes().Select(t => t.Name), Does.Contain("DeviceMemoryHandle").And.Contain("CudaStreamHandle"));
    }

    [TestCaseSource(nameof(HandleTypes))]
    public void EveryHandleTypeRefusesALeaseAfterDispose(Type type)
    {
        var handle = (NativeHandle)Activator.CreateInstance(type)!;
        Assert.DoesNotThrow(() =>
        {
            using var lease = handle.Lease();
        });
        handle.Dispose();
        var ex = Assert.Throws<ObjectDisposedException>(() =>
        {
            using var lease = handle.Lease();
        })!;
        Assert.That(ex.ObjectName, Is.Not.Empty);
    }

    [Test]
    public void ATypedLeaseReadsTheBlobAndFailsAfterDispose()
    {
        byte[] payload = [5, 6, 7];
        var blob = new BlobHandle();
        TrtsBlob* raw = null;
        fixed (byte* p = payload)
        {
            Assert.That(TrtsNative.BlobCreate(p, (ulong)payload.Length, &raw), Is.EqualTo(TrtsStatus.Ok));
        }
        blob.Attach((nint)raw);
        using (var lease = blob.Lease())
        {
            void* data;
            ulong size;
            Assert.That(TrtsNative.BlobGet(lease.Value, &data, &size), Is.EqualTo(TrtsStatus.Ok));
            Assert.That(new ReadOnlySpan<byte>(data, (int)size).ToArray(), Is.EqualTo(payload));
        }
        blob.Dispose();
        Assert.Throws<ObjectDisposedException>(() =>
        {
            using var lease = blob.Lease();
        });
    }

    [Test]
    [LeaksOnPurpose]
    public void AnAbandonedShimHandleIsReportedToTheOneTrackerNotFreed()
    {
        var kinds = new List<string>();
        void OnLeak(string kind)
        {
            lock (kinds)
                kinds.Add(kind);
        }

        long before = NativeLeakTracker.Count;
        NativeLeakTracker.LeakDetected += OnLeak;
        try
        {
            AbandonBlob();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            NativeLeakTracker.LeakDetected -= OnLeak;
        }
        Assert.That(NativeLeakTracker.Count, Is.EqualTo(before + 1));
        lock (kinds)
            Assert.That(kinds, Is.EqualTo(new[] { "trts_blob" }));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AbandonBlob()
    {
        // Three bytes of host memory leaked on purpose: the finalizer must only report, never call the shim.
        byte[] payload = [1, 2, 3];
        var blob = new BlobHandle();
        TrtsBlob* raw = null;
        fixed (byte* p = payload)
        {
            Assert.That(TrtsNative.BlobCreate(p, (ulong)payload.Length, &raw), Is.EqualTo(TrtsStatus.Ok));
        }
        blob.Attach((nint)raw);
    }

    [Test]
    [CancelAfter(30_000)]
    public void AHandleDisposedOnAnotherThreadIsFreedOnlyAfterTheCallReturns()
    {
        // A calibrator's batch callback blocks inside trts_debug_drive_calibrator while the main thread disposes the
        // handle: the free must wait for the call (the shim still writes the cache through the calibrator after the
        // callback returns), then happen at once.
        using var inCall = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        var source = new BlockingSource(inCall, resume);
        using var calibrator = new LegacyCalibrator(source);
        var handle = calibrator.Handle;
        nint raw = handle.DangerousGetHandle();
        Assert.That(raw, Is.Not.EqualTo((nint)0));

        TrtsStatus status = TrtsStatus.EInternal;
        var caller = new Thread(() => status = Drive(handle));
        caller.Start();
        Assert.That(inCall.Wait(TimeSpan.FromSeconds(20)), Is.True, "the shim called the batch callback");

        handle.Dispose();
        Assert.That(handle.DangerousGetHandle(), Is.EqualTo(raw), "but the native calibrator is not freed during the call");
        Assert.Throws<ObjectDisposedException>(() =>
        {
            using var lease = handle.Lease();
        }, "a new call after Dispose is refused");

        resume.Set();
        Assert.That(caller.Join(TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(status, Is.EqualTo(TrtsStatus.Ok), "the call in flight completed normally");
        Assert.That(source.CacheWritten, Is.True, "the shim used the calibrator after the callback returned");
        Assert.That(handle.IsClosed, Is.True);
        Assert.That(handle.DangerousGetHandle(), Is.EqualTo((nint)0), "freed when the call released its lease");
    }

    private static TrtsStatus Drive(CalibratorHandle handle)
    {
        byte[] name = "x\0"u8.ToArray();
        using var lease = handle.Lease();
        fixed (byte* n = name)
        {
            byte** names = stackalloc byte*[1];
            names[0] = n;
            void** last = stackalloc void*[1];
            int batches;
            ulong cacheRead;
            return TrtsNative.DebugDriveCalibrator(lease.Value, names, 1, 1, last, &batches, &cacheRead);
        }
    }

    private sealed class BlockingSource(ManualResetEventSlim inCall, ManualResetEventSlim resume) : ICalibrationBatchSource
    {
        public bool CacheWritten { get; private set; }

        public bool TryGetBatch(IReadOnlyList<string> inputNames, Span<IntPtr> devicePointers)
        {
            inCall.Set();
            resume.Wait();
            devicePointers[0] = 0x1000;
            return true;
        }

        public byte[]? ReadCache() => null;

        public void WriteCache(ReadOnlySpan<byte> cache) => CacheWritten = cache.Length > 0;
    }
}
