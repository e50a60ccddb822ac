using TrtSharp.Interop.Handles;

namespace TrtSharp.Cuda;

/// <summary>Owns device memory from <c>cudaMalloc</c>.</summary>
internal sealed class DeviceMemoryHandle : NativeHandle
{
    protected override string Kind => "DeviceBuffer";

    // A failure here (e.g. cudaErrorCudartUnloading at exit) has nowhere to go; the handle is gone either way.
    protected override bool Free(nint value) => CudaNative.cudaFree(value) == 0;
}

/// <summary>Owns page-locked host memory from <c>cudaMallocHost</c>.</summary>
internal sealed class PinnedMemoryHandle : NativeHandle
{
    protected override string Kind => "PinnedBuffer";
    protected override bool Free(nint value) => CudaNative.cudaFreeHost(value) == 0;
}

/// <summary>Owns a <c>cudaStream_t</c>.</summary>
internal sealed class CudaStreamHandle : NativeHandle
{
    protected override string Kind => "CudaStream";
    protected override bool Free(nint value) => CudaNative.cudaStreamDestroy(value) == 0;
}

/// <summary>Owns a <c>cudaEvent_t</c>.</summary>
internal sealed class CudaEventHandle : NativeHandle
{
    protected override string Kind => "CudaEvent";
    protected override bool Free(nint value) => CudaNative.cudaEventDestroy(value) == 0;
}

/// <summary>Owns a <c>cudaGraphExec_t</c>.</summary>
internal sealed class CudaGraphExecHandle : NativeHandle
{
    protected override string Kind => "CudaGraph";
    protected override bool Free(nint value) => CudaNative.cudaGraphExecDestroy(value) == 0;
}
