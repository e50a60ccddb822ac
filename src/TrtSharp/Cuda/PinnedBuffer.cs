using TrtSharp.Interop.Handles;
using TrtSharp.Errors;

namespace TrtSharp.Cuda;

/// <summary>
/// Page-locked ("pinned") host memory for <see cref="Length"/> elements of <typeparamref name="T"/>, from
/// <c>cudaMallocHost</c>. Copies between it and the device run truly asynchronously and at full bus speed.
/// </summary>
/// <remarks>
/// Pinned memory is a scarce system resource; allocate it once and reuse it. Thread safety: the memory is ordinary host
/// memory once allocated; do not write it while an asynchronous copy from it is pending, or read it before a copy into
/// it has completed.
/// </remarks>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed unsafe class PinnedBuffer<T> : IDisposable where T : unmanaged
{
    private readonly PinnedMemoryHandle _handle = new();

    /// <summary>Allocates room for <paramref name="length"/> elements (uninitialized). A zero length allocates nothing.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    /// <exception cref="CudaUnavailableException">CUDA is missing or has no device.</exception>
    /// <exception cref="CudaException">The allocation failed.</exception>
    public PinnedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CudaRuntime.EnsureAvailable();
        Length = length;
        ByteLength = (long)length * sizeof(T);
        if (length == 0)
            return;
        int status = CudaNative.cudaMallocHost(out IntPtr pointer, (nuint)ByteLength);
        if (status != CudaNative.cudaSuccess)
            throw CudaCheck.Failure(status, $"cudaMallocHost({ByteLength} bytes for PinnedBuffer<{typeof(T).Name}>[{length}])");
        _handle.Attach(pointer);
    }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The size in bytes.</summary>
    public long ByteLength { get; }

    /// <summary>The host address of the first element. Valid until disposal.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>The elements. The span must not be used after <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public Span<T> Span => new((void*)Pointer, Length);

    /// <summary>Frees the memory. Idempotent. Make sure no copy still uses it.</summary>
    public void Dispose() => _handle.Dispose();

    internal HandleLease Lease()
    {
        ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
        return _handle.Lease();
    }
}
