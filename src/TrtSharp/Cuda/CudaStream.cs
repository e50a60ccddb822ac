using TrtSharp.Interop.Handles;
namespace TrtSharp.Cuda;

/// <summary>
/// A non-blocking CUDA stream (<c>cudaStreamNonBlocking</c>): work on it does not synchronize with the legacy default
/// stream. Created on the calling thread's current device.
/// </summary>
/// <remarks>
/// Thread safety: CUDA accepts work on one stream from several threads, but the order of that work is then the order
/// in which the calls happen to run; issue a stream's work from one thread at a time. <see cref="Dispose"/> must not
/// race with work being issued (an in-flight call still completes safely: the free waits for it).
/// </remarks>
public sealed class CudaStream : IDisposable
{
    private readonly CudaStreamHandle _handle = new();

    /// <summary>Creates the stream.</summary>
    /// <exception cref="Errors.CudaUnavailableException">CUDA is missing or has no device.</exception>
    /// <exception cref="Errors.CudaException">Creation failed.</exception>
    public CudaStream()
    {
        CudaRuntime.EnsureAvailable();
        CudaCheck.Check(CudaNative.cudaStreamCreateWithFlags(out IntPtr stream, CudaNative.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        _handle.Attach(stream);
    }

    /// <summary>The raw <c>cudaStream_t</c>, for passing to other native APIs (e.g. TensorRT's <c>enqueueV3</c>). Valid until disposal.</summary>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>Blocks until all work issued to the stream so far has completed.</summary>
    /// <exception cref="Errors.CudaException">The stream's work failed (errors from earlier async calls surface here).</exception>
    public void Synchronize()
    {
        using HandleLease stream = Lease();
        CudaCheck.Check(CudaNative.cudaStreamSynchronize(stream.Value), "cudaStreamSynchronize");
    }

    /// <summary>Destroys the stream. Work already issued still completes. Idempotent.</summary>
    public void Dispose() => _handle.Dispose();

    internal HandleLease Lease()
    {
        ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
        return _handle.Lease();
    }
}
