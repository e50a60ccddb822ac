using System.Runtime.InteropServices;
using TrtSharp.Errors;

namespace TrtSharp.Cuda;

/// <summary>Turns <c>cudaError_t</c> results into <see cref="CudaException"/>, in one place.</summary>
internal static class CudaCheck
{
    /// <summary>Throws when <paramref name="status"/> is not <c>cudaSuccess</c>.</summary>
    /// <param name="status">The returned <c>cudaError_t</c>.</param>
    /// <param name="operation">A constant naming the call, so the success path allocates nothing.</param>
    internal static void Check(int status, string operation)
    {
        if (status != CudaNative.cudaSuccess)
            throw Failure(status, operation);
    }

    /// <summary>Builds the exception for a failed call and clears the runtime's (non-sticky) last error.</summary>
    internal static CudaException Failure(int status, string operation)
    {
        // Reset the per-thread last error so a later cudaGetLastError (e.g. inside TensorRT) does not see this one.
        _ = CudaNative.cudaGetLastError();
        return new CudaException(operation, status, ErrorName(status), ErrorString(status));
    }

    /// <summary>The runtime's symbolic name for <paramref name="status"/> (static storage; never freed).</summary>
    internal static string ErrorName(int status) =>
        Marshal.PtrToStringUTF8(CudaNative.cudaGetErrorName(status)) ?? $"cudaError({status})";

    /// <summary>The runtime's description of <paramref name="status"/> (static storage; never freed).</summary>
    internal static string ErrorString(int status) =>
        Marshal.PtrToStringUTF8(CudaNative.cudaGetErrorString(status)) ?? $"CUDA error {status}";
}
