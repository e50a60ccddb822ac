using System.Runtime.InteropServices;

namespace TrtSharp.Cuda;

/// <summary>
/// Hand-written P/Invokes into the CUDA runtime (<c>cuda_runtime_api.h</c>). Signatures were checked against the
/// CUDA 11.8 headers; every function used here has kept its ABI through CUDA 12 and 13. <c>cudaError_t</c>,
/// enums and <c>int</c> are 32-bit; <c>size_t</c> is <see cref="nuint"/>; every handle type is an opaque pointer.
/// </summary>
/// <remarks>
/// The library name is a private alias that no default probe can satisfy, so resolution always reaches
/// <see cref="CudaLibrary"/>, which loads the versioned runtime (see there). Callers must have gone through
/// <see cref="CudaLibrary.EnsureLoaded"/> first.
/// </remarks>
internal static partial class CudaNative
{
    /// <summary>Alias resolved by <see cref="CudaLibrary"/>; deliberately not a real file name.</summary>
    internal const string LibraryName = "trtsharp-cudart";

    // Enum values from driver_types.h.
    internal const int cudaSuccess = 0;
    internal const int cudaErrorNoDevice = 100;
    internal const int cudaErrorInsufficientDriver = 35;
    internal const int cudaErrorNotReady = 600;
    internal const int cudaMemcpyHostToDevice = 1;
    internal const int cudaMemcpyDeviceToHost = 2;
    internal const int cudaMemcpyDeviceToDevice = 3;
    internal const uint cudaStreamNonBlocking = 0x01;
    internal const uint cudaEventDefault = 0x00;
    internal const uint cudaEventDisableTiming = 0x02;
    internal const int cudaDevAttrMultiProcessorCount = 16;
    internal const int cudaDevAttrComputeCapabilityMajor = 75;
    internal const int cudaDevAttrComputeCapabilityMinor = 76;

    [LibraryImport(LibraryName)] internal static partial IntPtr cudaGetErrorName(int error);
    [LibraryImport(LibraryName)] internal static partial IntPtr cudaGetErrorString(int error);
    [LibraryImport(LibraryName)] internal static partial int cudaGetLastError();
    [LibraryImport(LibraryName)] internal static partial int cudaRuntimeGetVersion(out int runtimeVersion);
    [LibraryImport(LibraryName)] internal static partial int cudaDriverGetVersion(out int driverVersion);

    [LibraryImport(LibraryName)] internal static partial int cudaGetDeviceCount(out int count);
    [LibraryImport(LibraryName)] internal static partial int cudaDeviceGetAttribute(out int value, int attr, int device);
    [LibraryImport(LibraryName)] internal static unsafe partial int cudaDeviceGetPCIBusId(byte* pciBusId, int len, int device);
    [LibraryImport(LibraryName)] internal static partial int cudaSetDevice(int device);
    [LibraryImport(LibraryName)] internal static partial int cudaGetDevice(out int device);
    [LibraryImport(LibraryName)] internal static partial int cudaMemGetInfo(out nuint free, out nuint total);

    [LibraryImport(LibraryName)] internal static partial int cudaMalloc(out IntPtr devPtr, nuint size);
    [LibraryImport(LibraryName)] internal static partial int cudaFree(IntPtr devPtr);
    [LibraryImport(LibraryName)] internal static partial int cudaMallocHost(out IntPtr ptr, nuint size);
    [LibraryImport(LibraryName)] internal static partial int cudaFreeHost(IntPtr ptr);
    [LibraryImport(LibraryName)] internal static partial int cudaMemcpyAsync(IntPtr dst, IntPtr src, nuint count, int kind, IntPtr stream);
    [LibraryImport(LibraryName)] internal static partial int cudaMemsetAsync(IntPtr devPtr, int value, nuint count, IntPtr stream);

    [LibraryImport(LibraryName)] internal static partial int cudaStreamCreateWithFlags(out IntPtr stream, uint flags);
    [LibraryImport(LibraryName)] internal static partial int cudaStreamDestroy(IntPtr stream);
    [LibraryImport(LibraryName)] internal static partial int cudaStreamSynchronize(IntPtr stream);

    [LibraryImport(LibraryName)] internal static partial int cudaEventCreateWithFlags(out IntPtr evt, uint flags);
    [LibraryImport(LibraryName)] internal static partial int cudaEventRecord(IntPtr evt, IntPtr stream);
    [LibraryImport(LibraryName)] internal static partial int cudaEventSynchronize(IntPtr evt);
    [LibraryImport(LibraryName)] internal static partial int cudaEventQuery(IntPtr evt);
    [LibraryImport(LibraryName)] internal static partial int cudaEventElapsedTime(out float ms, IntPtr start, IntPtr end);
    [LibraryImport(LibraryName)] internal static partial int cudaEventDestroy(IntPtr evt);

    [LibraryImport(LibraryName)] internal static partial int cudaStreamBeginCapture(IntPtr stream, int mode);
    [LibraryImport(LibraryName)] internal static partial int cudaStreamEndCapture(IntPtr stream, out IntPtr graph);
    // cudaGraphInstantiate changed signature in CUDA 12; the WithFlags variant (11.4+) is identical everywhere.
    [LibraryImport(LibraryName)] internal static partial int cudaGraphInstantiateWithFlags(out IntPtr graphExec, IntPtr graph, ulong flags);
    [LibraryImport(LibraryName)] internal static partial int cudaGraphLaunch(IntPtr graphExec, IntPtr stream);
    [LibraryImport(LibraryName)] internal static partial int cudaGraphExecDestroy(IntPtr graphExec);
    [LibraryImport(LibraryName)] internal static partial int cudaGraphDestroy(IntPtr graph);
}
