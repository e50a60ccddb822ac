namespace TrtSharp.Errors;

/// <summary>
/// CUDA cannot be used here: the CUDA runtime library (<c>libcudart</c> / <c>cudart64_*.dll</c>) was not found, or it
/// loaded but reports no usable device (no GPU, no driver, or a driver too old for the runtime).
/// </summary>
public sealed class CudaUnavailableException : BackendUnavailableException
{
    /// <summary>Creates the exception for a runtime library that could not be loaded.</summary>
    /// <param name="message">Readable explanation, including what was tried.</param>
    /// <param name="triedLibraries">Every library name or path that was probed, each with why it failed.</param>
    public CudaUnavailableException(string message, IReadOnlyList<string> triedLibraries)
        : base(message)
    {
        TriedLibraries = triedLibraries;
    }

    /// <summary>Creates the exception for a runtime that loaded but reports no usable device.</summary>
    /// <param name="message">Readable explanation.</param>
    /// <param name="errorCode">The <c>cudaError_t</c> that <c>cudaGetDeviceCount</c> returned (0 when it reported zero devices).</param>
    /// <param name="errorName">The symbolic name of <paramref name="errorCode"/>, e.g. <c>cudaErrorNoDevice</c>.</param>
    public CudaUnavailableException(string message, int errorCode, string errorName)
        : base(message)
    {
        ErrorCode = errorCode;
        ErrorName = errorName;
        TriedLibraries = [];
    }

    /// <summary>The CUDA error behind the failure, or <see langword="null"/> when the library itself was missing.</summary>
    public int? ErrorCode { get; }

    /// <summary>The symbolic name of <see cref="ErrorCode"/>, or <see langword="null"/> when the library itself was missing.</summary>
    public string? ErrorName { get; }

    /// <summary>The library names and paths probed, each with why it failed; empty when the library loaded.</summary>
    public IReadOnlyList<string> TriedLibraries { get; }
}
