using TrtSharp.Interop.Handles;
namespace TrtSharp.Cuda;

/// <summary>
/// A CUDA event: a marker recorded into a stream, used to wait for work or to time it on the GPU.
/// </summary>
/// <remarks>
/// Thread safety: recording and synchronizing from different threads is allowed by CUDA, but record and read the same
/// event from one thread at a time so the measured interval is the one you meant.
/// </remarks>
public sealed class CudaEvent : IDisposable
{
    private readonly CudaEventHandle _handle = new();

    /// <summary>Creates the event.</summary>
    /// <param name="enableTiming">Record timestamps for <see cref="ElapsedMilliseconds"/>; pass <see langword="false"/> for a cheaper pure synchronization event.</param>
    /// <exception cref="Errors.CudaUnavailableException">CUDA is missing or has no device.</exception>
    /// <exception cref="Errors.CudaException">Creation failed.</exception>
    public CudaEvent(bool enableTiming = true)
    {
        CudaRuntime.EnsureAvailable();
        uint flags = enableTiming ? CudaNative.cudaEventDefault : CudaNative.cudaEventDisableTiming;
        CudaCheck.Check(CudaNative.cudaEventCreateWithFlags(out IntPtr evt, flags), "cudaEventCreateWithFlags");
        _handle.Attach(evt);
        TimingEnabled = enableTiming;
    }

    /// <summary>Whether the event records timestamps.</summary>
    public bool TimingEnabled { get; }

    /// <summary>The raw <c>cudaEvent_t</c>. Valid until disposal.</summary>
    /// <exception cref="ObjectDisposedException">The event was disposed.</exception>
    public IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>Records the event at the current end of <paramref name="stream"/>'s work.</summary>
    public void Record(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using HandleLease evt = Lease();
        using HandleLease s = stream.Lease();
        CudaCheck.Check(CudaNative.cudaEventRecord(evt.Value, s.Value), "cudaEventRecord");
    }

    /// <summary>Blocks until the work before the last <see cref="Record"/> has completed.</summary>
    public void Synchronize()
    {
        using HandleLease evt = Lease();
        CudaCheck.Check(CudaNative.cudaEventSynchronize(evt.Value), "cudaEventSynchronize");
    }

    /// <summary>True when the work before the last <see cref="Record"/> has completed (<c>cudaEventQuery</c>; does not wait).</summary>
    public bool IsComplete
    {
        get
        {
            using HandleLease evt = Lease();
            int status = CudaNative.cudaEventQuery(evt.Value);
            if (status == CudaNative.cudaErrorNotReady)
            {
                // Not an error: cudaEventQuery only reports progress (clear it so no later check sees it).
                _ = CudaNative.cudaGetLastError();
                return false;
            }
            CudaCheck.Check(status, "cudaEventQuery");
            return true;
        }
    }

    /// <summary>GPU time between two recorded, completed events, in milliseconds (resolution about 0.5 µs).</summary>
    /// <exception cref="Errors.CudaException">
    /// An event has not completed (<c>cudaErrorNotReady</c>), was never recorded, or was created without timing.
    /// </exception>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        using HandleLease s = start.Lease();
        using HandleLease e = end.Lease();
        CudaCheck.Check(CudaNative.cudaEventElapsedTime(out float ms, s.Value, e.Value), "cudaEventElapsedTime");
        return ms;
    }

    /// <summary>Destroys the event. Idempotent.</summary>
    public void Dispose() => _handle.Dispose();

    internal HandleLease Lease()
    {
        ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
        return _handle.Lease();
    }
}
