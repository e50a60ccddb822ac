using TrtSharp.Interop.Handles;
using TrtSharp.Errors;

namespace TrtSharp.Cuda;

/// <summary>
/// A block of device memory holding <see cref="Length"/> elements of <typeparamref name="T"/>, allocated with
/// <c>cudaMalloc</c> on the calling thread's current device and freed on <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Copies between spans and the device complete before they return (the span may be managed memory the GC can move
/// once the call ends). Copies to and from <see cref="PinnedBuffer{T}"/> or another <see cref="DeviceBuffer{T}"/>
/// and <see cref="Memset"/> are asynchronous on the given stream: keep every buffer involved alive until the stream has
/// finished. Partial copies start at element 0 and move as many elements as the smaller side names.
/// Thread safety: the object may be used from several threads; ordering of the memory operations is the stream's.
/// </remarks>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed unsafe class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    private readonly DeviceMemoryHandle _handle = new();

    /// <summary>Allocates room for <paramref name="length"/> elements (uninitialized). A zero length allocates nothing.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    /// <exception cref="CudaUnavailableException">CUDA is missing or has no device.</exception>
    /// <exception cref="CudaException">The allocation failed (e.g. <c>cudaErrorMemoryAllocation</c>).</exception>
    public DeviceBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CudaRuntime.EnsureAvailable();
        Length = length;
        ByteLength = checked(length * sizeof(T));
        if (length == 0)
            return;
        int status = CudaNative.cudaMalloc(out IntPtr pointer, (nuint)ByteLength);
        if (status != CudaNative.cudaSuccess)
            throw CudaCheck.Failure(status, $"cudaMalloc({ByteLength} bytes for DeviceBuffer<{typeof(T).Name}>[{length}])");
        _handle.Attach(pointer);
    }

    /// <summary>The number of elements.</summary>
    public long Length { get; }

    /// <summary>The size in bytes.</summary>
    public long ByteLength { get; }

    /// <summary>The device address (zero for an empty buffer), for TensorRT tensor addresses and kernels. Valid until disposal.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>Copies <paramref name="source"/> into the start of the buffer and waits for the copy to finish.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is longer than the buffer.</exception>
    public void CopyFromHost(ReadOnlySpan<T> source, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckFits(source.Length, nameof(source));
        if (source.IsEmpty)
            return;
        using HandleLease dst = Lease();
        using HandleLease s = stream.Lease();
        fixed (T* src = source)
        {
            CudaCheck.Check(CudaNative.cudaMemcpyAsync(dst.Value, (IntPtr)src, Bytes(source.Length), CudaNative.cudaMemcpyHostToDevice, s.Value), "cudaMemcpyAsync(host to device)");
            CudaCheck.Check(CudaNative.cudaStreamSynchronize(s.Value), "cudaStreamSynchronize");
        }
    }

    /// <summary>Copies the first <c>destination.Length</c> elements into <paramref name="destination"/> and waits for the copy to finish.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is longer than the buffer.</exception>
    public void CopyToHost(Span<T> destination, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckFits(destination.Length, nameof(destination));
        if (destination.IsEmpty)
            return;
        using HandleLease src = Lease();
        CudaMemory.CopyDeviceToHost(src.Value, System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination), stream);
    }

    /// <summary>Copies the whole buffer into a new array, waiting for the copy.</summary>
    public T[] ToArray(CudaStream stream)
    {
        var result = new T[checked((int)Length)];
        CopyToHost(result, stream);
        return result;
    }

    /// <summary>Enqueues a copy of all of <paramref name="source"/> into the start of this buffer; returns without waiting.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is longer than the buffer.</exception>
    public void CopyFrom(PinnedBuffer<T> source, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stream);
        CheckFits(source.Length, nameof(source));
        if (source.Length == 0)
            return;
        using HandleLease dst = Lease();
        using HandleLease src = source.Lease();
        using HandleLease s = stream.Lease();
        CudaCheck.Check(CudaNative.cudaMemcpyAsync(dst.Value, src.Value, Bytes(source.Length), CudaNative.cudaMemcpyHostToDevice, s.Value), "cudaMemcpyAsync(pinned host to device)");
    }

    /// <summary>Enqueues a copy of the first <c>destination.Length</c> elements into <paramref name="destination"/>; returns without waiting.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is longer than the buffer.</exception>
    public void CopyTo(PinnedBuffer<T> destination, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(stream);
        CheckFits(destination.Length, nameof(destination));
        if (destination.Length == 0)
            return;
        using HandleLease src = Lease();
        using HandleLease dst = destination.Lease();
        using HandleLease s = stream.Lease();
        CudaCheck.Check(CudaNative.cudaMemcpyAsync(dst.Value, src.Value, Bytes(destination.Length), CudaNative.cudaMemcpyDeviceToHost, s.Value), "cudaMemcpyAsync(device to pinned host)");
    }

    /// <summary>Enqueues a device-to-device copy of all of <paramref name="source"/> into the start of this buffer.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is longer than the buffer.</exception>
    public void CopyFrom(DeviceBuffer<T> source, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stream);
        CheckFits(source.Length, nameof(source));
        if (source.Length == 0)
            return;
        using HandleLease dst = Lease();
        using HandleLease src = source.Lease();
        using HandleLease s = stream.Lease();
        CudaCheck.Check(CudaNative.cudaMemcpyAsync(dst.Value, src.Value, Bytes(source.Length), CudaNative.cudaMemcpyDeviceToDevice, s.Value), "cudaMemcpyAsync(device to device)");
    }

    /// <summary>Enqueues setting every byte of the buffer to <paramref name="value"/> (<c>cudaMemsetAsync</c>).</summary>
    public void Memset(byte value, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (Length == 0)
            return;
        using HandleLease dst = Lease();
        using HandleLease s = stream.Lease();
        CudaCheck.Check(CudaNative.cudaMemsetAsync(dst.Value, value, (nuint)ByteLength, s.Value), "cudaMemsetAsync");
    }

    /// <summary>Frees the memory. Idempotent. Make sure no stream still uses it.</summary>
    public void Dispose() => _handle.Dispose();

    internal HandleLease Lease()
    {
        ObjectDisposedException.ThrowIf(_handle.IsDisposed, this);
        return _handle.Lease();
    }

    private static nuint Bytes(long count) => (nuint)count * (nuint)sizeof(T);

    private void CheckFits(long count, string parameter)
    {
        if (count > Length)
            throw new ArgumentException($"{count} elements do not fit in DeviceBuffer<{typeof(T).Name}> of {Length} elements", parameter);
    }
}
