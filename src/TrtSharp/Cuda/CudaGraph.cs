using TrtSharp.Interop.Handles;
using TrtSharp.Errors;

namespace TrtSharp.Cuda;

/// <summary>
/// An executable CUDA graph: work recorded once from a stream by capture, then replayed with one launch. Replays use
/// the same device addresses as the captured work, so the buffers involved must stay alive and in place.
/// </summary>
/// <remarks>
/// The captured (non-executable) graph is destroyed as soon as it is instantiated; only the executable graph is kept.
/// Only asynchronous work can be captured: <see cref="DeviceBuffer{T}.CopyFromHost"/> and
/// <see cref="DeviceBuffer{T}.CopyToHost"/> synchronize the stream and so fail inside a capture; use the
/// <see cref="PinnedBuffer{T}"/> overloads there.
/// Thread safety: launch a given graph from one thread at a time (CUDA forbids concurrent launches of one graph exec).
/// </remarks>
public sealed class CudaGraph : IDisposable
{
    private readonly CudaGraphExecHandle _handle = new();

    private CudaGraph() { }

    /// <summary>
    /// Records the work that <paramref name="record"/> issues to <paramref name="stream"/> (nothing runs during
    /// capture) and instantiates it.
    /// </summary>
    /// <param name="stream">The stream to capture; it must not be capturing already.</param>
    /// <param name="record">Issues the work, e.g. copies and a TensorRT <c>enqueueV3</c> on <paramref name="stream"/>.</param>
    /// <param name="mode">
    /// Which other CUDA calls are refused during capture; <see cref="CudaCaptureMode.ThreadLocal"/> by default so that
    /// other threads can keep allocating.
    /// </param>
    /// <exception cref="CudaException">Capture or instantiation failed, e.g. the work used an operation that cannot be captured.</exception>
    public static CudaGraph Capture(CudaStream stream, Action<CudaStream> record, CudaCaptureMode mode = CudaCaptureMode.ThreadLocal)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(record);
        var result = new CudaGraph();
        using HandleLease s = stream.Lease();
        CudaCheck.Check(CudaNative.cudaStreamBeginCapture(s.Value, (int)mode), "cudaStreamBeginCapture");

        IntPtr graph;
        try
        {
            record(stream);
        }
        catch
        {
            // Always end the capture, or the stream stays unusable; the partial graph is discarded.
            if (CudaNative.cudaStreamEndCapture(s.Value, out graph) == CudaNative.cudaSuccess && graph != IntPtr.Zero)
                _ = CudaNative.cudaGraphDestroy(graph);
            _ = CudaNative.cudaGetLastError();
            throw;
        }

        CudaCheck.Check(CudaNative.cudaStreamEndCapture(s.Value, out graph), "cudaStreamEndCapture");
        try
        {
            CudaCheck.Check(CudaNative.cudaGraphInstantiateWithFlags(out IntPtr exec, graph, 0), "cudaGraphInstantiateWithFlags");
            result._handle.Attach(exec);
        }
        finally
        {
            _ = CudaNative.cudaGraphDestroy(graph);
        }
        return result;
    }

    /// <summary>Enqueues one replay of the captured work on <paramref name="stream"/>.</summary>
    public void Launch(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
        using HandleLease exec = _handle.Lease();
        using HandleLease s = stream.Lease();
        CudaCheck.Check(CudaNative.cudaGraphLaunch(exec.Value, s.Value), "cudaGraphLaunch");
    }

    /// <summary>Destroys the executable graph. Idempotent. Make sure no launch is still running.</summary>
    public void Dispose() => _handle.Dispose();
}
