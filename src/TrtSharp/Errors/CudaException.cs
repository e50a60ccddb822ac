namespace TrtSharp.Errors;

/// <summary>
/// A CUDA runtime call that returned an error. Carries the numeric <c>cudaError_t</c> and its symbolic name as the
/// runtime itself reports it (<c>cudaGetErrorName</c>), e.g. <c>cudaErrorMemoryAllocation</c>.
/// </summary>
public sealed class CudaException : TrtSharpException
{
    /// <summary>Creates the exception for a failed call to <paramref name="operation"/>.</summary>
    /// <param name="operation">The CUDA function or managed operation that failed, e.g. <c>cudaMalloc(4096 bytes)</c>.</param>
    /// <param name="errorCode">The <c>cudaError_t</c> value returned.</param>
    /// <param name="errorName">The symbolic name from <c>cudaGetErrorName</c>.</param>
    /// <param name="description">The runtime's description from <c>cudaGetErrorString</c>.</param>
    public CudaException(string operation, int errorCode, string errorName, string description)
        : base($"{operation} failed: {errorName} ({errorCode}): {description}")
    {
        Operation = operation;
        ErrorCode = errorCode;
        ErrorName = errorName;
        Description = description;
    }

    /// <summary>
    /// Creates the exception for a CUDA failure that TensorRT reported through the shim, which does not pass the
    /// <c>cudaError_t</c> on (<see cref="ErrorCode"/> is -1, <see cref="ErrorName"/> <c>TRTS_E_CUDA</c>).
    /// </summary>
    public CudaException(string operation, string detail)
        : base($"{operation} failed (CUDA error inside TensorRT): {detail}")
    {
        Operation = operation;
        ErrorCode = -1;
        ErrorName = "TRTS_E_CUDA";
        Description = detail;
    }

    /// <summary>The CUDA function or managed operation that failed.</summary>
    public string Operation { get; }

    /// <summary>The numeric <c>cudaError_t</c>; -1 when TensorRT reported the failure without it.</summary>
    public int ErrorCode { get; }

    /// <summary>The symbolic error name, e.g. <c>cudaErrorInvalidValue</c>.</summary>
    public string ErrorName { get; }

    /// <summary>The runtime's human-readable description of the error.</summary>
    public string Description { get; }
}
