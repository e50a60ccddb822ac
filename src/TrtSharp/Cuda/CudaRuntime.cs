using TrtSharp.Errors;

namespace TrtSharp.Cuda;

/// <summary>
/// Entry point of the CUDA runtime binding: whether CUDA can be used here, versions, device count, error names.
/// </summary>
/// <remarks>
/// The runtime library is located on first use (see <see cref="LibraryPath"/> and the <c>TRTSHARP_CUDA_PATH</c>
/// variable). All members are thread-safe. The CUDA "current device" is per host thread, as in CUDA itself.
/// </remarks>
public static class CudaRuntime
{
    /// <summary>Whether the CUDA runtime library could be loaded. Does not say whether a device exists.</summary>
    public static bool IsLibraryAvailable => CudaLibrary.IsLoaded;

    /// <summary>The path or name from which the runtime library was loaded, or <see langword="null"/> when it was not found.</summary>
    public static string? LibraryPath => CudaLibrary.LoadedPath;

    /// <summary>Whether the runtime library loaded and reports at least one usable device.</summary>
    public static bool IsAvailable => UnavailableReason is null;

    /// <summary>Why CUDA cannot be used here (missing library, no driver, no device), or <see langword="null"/> when it can.</summary>
    public static string? UnavailableReason
    {
        get
        {
            try
            {
                EnsureAvailable();
                return null;
            }
            catch (CudaUnavailableException e)
            {
                return e.Message;
            }
        }
    }

    /// <summary>Throws <see cref="CudaUnavailableException"/> unless CUDA is usable, with a message that says why.</summary>
    /// <exception cref="CudaUnavailableException">The library is missing, or it reports no device.</exception>
    public static void EnsureAvailable() => _ = DeviceCount;

    /// <summary>The version of the loaded CUDA runtime library, e.g. 11.8.</summary>
    /// <remarks>CUDA 11 runtimes answer this only when a driver is present (they return <c>cudaErrorInsufficientDriver</c> otherwise).</remarks>
    /// <exception cref="CudaUnavailableException">The library is missing, or it cannot report its version without a driver.</exception>
    public static Version RuntimeVersion
    {
        get
        {
            CudaLibrary.EnsureLoaded();
            int status = CudaNative.cudaRuntimeGetVersion(out int version);
            if (status != CudaNative.cudaSuccess)
            {
                _ = CudaNative.cudaGetLastError();
                string name = CudaCheck.ErrorName(status);
                throw new CudaUnavailableException(
                    $"CUDA runtime {CudaLibrary.LoadedPath} cannot report its version: cudaRuntimeGetVersion failed with {name} ({status}): "
                    + $"{CudaCheck.ErrorString(status)}. {Hint(status)}",
                    status, name);
            }
            return Decode(version);
        }
    }

    /// <summary>
    /// The newest CUDA version the installed driver supports, or <see langword="null"/> when no driver is installed
    /// (the runtime reports 0 then).
    /// </summary>
    /// <exception cref="CudaUnavailableException">The library is missing.</exception>
    public static Version? DriverVersion
    {
        get
        {
            CudaLibrary.EnsureLoaded();
            CudaCheck.Check(CudaNative.cudaDriverGetVersion(out int version), "cudaDriverGetVersion");
            return version == 0 ? null : Decode(version);
        }
    }

    /// <summary>The number of CUDA devices visible to this process; always at least 1 when it returns.</summary>
    /// <exception cref="CudaUnavailableException">
    /// The library is missing, or <c>cudaGetDeviceCount</c> failed (e.g. <c>cudaErrorInsufficientDriver</c> without an
    /// NVIDIA driver, <c>cudaErrorNoDevice</c> without a GPU) or found no device; the message names the CUDA error.
    /// </exception>
    public static int DeviceCount
    {
        get
        {
            CudaLibrary.EnsureLoaded();
            int status = CudaNative.cudaGetDeviceCount(out int count);
            if (status != CudaNative.cudaSuccess)
            {
                _ = CudaNative.cudaGetLastError();
                string name = CudaCheck.ErrorName(status);
                throw new CudaUnavailableException(
                    $"CUDA runtime {Describe()} reports no usable device: cudaGetDeviceCount failed with {name} ({status}): "
                    + $"{CudaCheck.ErrorString(status)}. {Hint(status)}",
                    status, name);
            }
            if (count <= 0)
            {
                throw new CudaUnavailableException(
                    $"CUDA runtime {Describe()} reports 0 devices. {Hint(CudaNative.cudaErrorNoDevice)}",
                    CudaNative.cudaErrorNoDevice, CudaCheck.ErrorName(CudaNative.cudaErrorNoDevice));
            }
            return count;
        }
    }

    /// <summary>The runtime's symbolic name for a <c>cudaError_t</c> value, e.g. 2 → <c>cudaErrorMemoryAllocation</c>.</summary>
    /// <exception cref="CudaUnavailableException">The library is missing.</exception>
    public static string GetErrorName(int errorCode)
    {
        CudaLibrary.EnsureLoaded();
        return CudaCheck.ErrorName(errorCode);
    }

    /// <summary>The runtime's description of a <c>cudaError_t</c> value, e.g. 2 → "out of memory".</summary>
    /// <exception cref="CudaUnavailableException">The library is missing.</exception>
    public static string GetErrorString(int errorCode)
    {
        CudaLibrary.EnsureLoaded();
        return CudaCheck.ErrorString(errorCode);
    }

    // CUDA encodes versions as 1000 * major + 10 * minor.
    internal static Version Decode(int version) => new(version / 1000, version % 1000 / 10);

    private static string Describe()
    {
        int status = CudaNative.cudaRuntimeGetVersion(out int version);
        if (status != CudaNative.cudaSuccess)
        {
            _ = CudaNative.cudaGetLastError();
            return $"{CudaLibrary.LoadedPath}";
        }
        return $"{Decode(version)} ({CudaLibrary.LoadedPath})";
    }

    private static string Hint(int status) => status switch
    {
        CudaNative.cudaErrorInsufficientDriver =>
            "No NVIDIA driver (libcuda) is installed, or it is older than this runtime needs; install or update the NVIDIA driver.",
        CudaNative.cudaErrorNoDevice =>
            "No CUDA-capable GPU is visible; check the hardware, the driver, and CUDA_VISIBLE_DEVICES.",
        _ => "Check the NVIDIA driver installation.",
    };
}
