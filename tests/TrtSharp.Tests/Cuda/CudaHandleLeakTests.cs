using System.Runtime.CompilerServices;
using TrtSharp.Cuda;

namespace TrtSharp.Tests.Cuda;

/// <summary>The finalizer path of CUDA handles reports a leak instead of calling CUDA.</summary>
[TestFixture]
public class CudaHandleLeakTests
{
    [Test]
    [LeaksOnPurpose]
    public void AnUndisposedHandleIsReportedWhenFinalized()
    {
        var kinds = new List<string>();
        void OnLeak(string kind)
        {
            lock (kinds)
                kinds.Add(kind);
        }

        long before = TrtSharp.Diagnostics.NativeLeakTracker.Count;
        TrtSharp.Diagnostics.NativeLeakTracker.LeakDetected += OnLeak;
        try
        {
            AbandonHandle();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TrtSharp.Diagnostics.NativeLeakTracker.LeakDetected -= OnLeak;
        }

        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(before + 1));
        lock (kinds)
            Assert.That(kinds, Is.EqualTo(new[] { "DeviceBuffer" }));
    }

    [Test]
    public void AHandleThatNeverHeldAPointerIsNotALeak()
    {
        long before = TrtSharp.Diagnostics.NativeLeakTracker.Count;
        AbandonEmptyHandle();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(before));
    }

    [Test]
    public void OwnerDisposalFreesWithoutReportingALeak()
    {
        CudaTestEnvironment.RequireLibrary();
        CudaLibrary.EnsureLoaded();
        long before = TrtSharp.Diagnostics.NativeLeakTracker.Count;
        var handle = new DeviceMemoryHandle();
        // Not a real allocation: cudaFree validates the pointer and returns an error, which disposal ignores.
        handle.Attach(new IntPtr(0x1000));
        handle.Dispose();
        handle.Dispose();
        Assert.That(handle.IsClosed, Is.True);
        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(before));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AbandonHandle()
    {
        // An address no CUDA call will ever see: the finalizer must only report it.
        var handle = new DeviceMemoryHandle();
        handle.Attach(new IntPtr(0x1000));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AbandonEmptyHandle() => _ = new DeviceMemoryHandle();
}
