using TrtSharp.Interop.Handles;
namespace TrtSharp.Cuda;

/// <summary>Copies involving device memory that TrtSharp does not own as a <see cref="DeviceBuffer{T}"/> (e.g. memory handed to TensorRT by an output allocator).</summary>
internal static unsafe class CudaMemory
{
    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="source"/> on <paramref name="stream"/> and waits for them.</summary>
    public static void CopyDeviceToHost(IntPtr source, Span<byte> destination, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (destination.IsEmpty)
        {
            return;
        }
        if (source == IntPtr.Zero)
        {
            throw new ArgumentException("the device pointer is null", nameof(source));
        }
        using HandleLease s = stream.Lease();
        fixed (byte* dst = destination)
        {
            CudaCheck.Check(CudaNative.cudaMemcpyAsync((IntPtr)dst, source, (nuint)destination.Length, CudaNative.cudaMemcpyDeviceToHost, s.Value), "cudaMemcpyAsync(device to host)");
            CudaCheck.Check(CudaNative.cudaStreamSynchronize(s.Value), "cudaStreamSynchronize");
        }
    }
}
