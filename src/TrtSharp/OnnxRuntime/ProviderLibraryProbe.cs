using TrtSharp.Interop;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// Says why ONNX Runtime's CUDA or TensorRT execution provider cannot be used, which ONNX Runtime itself does not:
/// it reports "Failed to load shared library" (or a missing entry point) without naming the library that is missing.
/// The probe finds the provider library beside ONNX Runtime's own and loads it the way ONNX Runtime would, so the
/// loader names the dependency it lacks (e.g. libcublasLt.so.13), or finds that the CPU-only package is referenced.
/// </summary>
internal static class ProviderLibraryProbe
{
    /// <summary>The provider's library file name on this platform, or null for providers built into ONNX Runtime.</summary>
    public static string? LibraryName(ExecutionProviderOptions provider) => provider switch
    {
        CudaProviderOptions => OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so",
        TensorRtProviderOptions => OperatingSystem.IsWindows() ? "onnxruntime_providers_tensorrt.dll" : "libonnxruntime_providers_tensorrt.so",
        _ => null,
    };

    /// <summary>
    /// The reason <paramref name="provider"/> cannot load, in words a user can act on, or null when its library loads
    /// (then ONNX Runtime's own message is the reason) or the provider has no library of its own.
    /// </summary>
    /// <param name="provider">The provider that failed.</param>
    /// <param name="onnxRuntimeDirectory">Where ONNX Runtime's native library is (default: where this process loaded it from).</param>
    public static string? Explain(ExecutionProviderOptions provider, string? onnxRuntimeDirectory = null)
    {
        string? library = LibraryName(provider);
        string? directory = onnxRuntimeDirectory ?? LoadedOnnxRuntimeDirectory();
        if (library is null || directory is null)
        {
            return null;
        }
        string path = Path.Combine(directory, library);
        if (!File.Exists(path))
        {
            // ONNX Runtime's own words here are a missing entry point or "Failed to load shared library": the cause is the package.
            return $"{library} is not beside ONNX Runtime ({directory}): the app references the CPU-only package Microsoft.ML.OnnxRuntime; reference " +
                $"{(OperatingSystem.IsWindows() ? "Microsoft.ML.OnnxRuntime.Gpu.Windows" : "Microsoft.ML.OnnxRuntime.Gpu.Linux")} (or Microsoft.ML.OnnxRuntime.Gpu) instead";
        }
        if (NativeLibraryResolver.TryLoad(path, out nint handle, out string? reason))
        {
            System.Runtime.InteropServices.NativeLibrary.Free(handle);
            return null;
        }
        string what = provider is TensorRtProviderOptions ? "TensorRT and CUDA libraries" : "CUDA libraries (cuBLAS, cuDNN, cuFFT…)";
        string install = MissingDependencyPackages.Describe(reason) is { } package
            ? $"install {package}"
            : $"install the {what} it was built for";
        return $"{library} cannot load: {reason} — {install} and make them findable (LD_LIBRARY_PATH or the app folder)";
    }

    /// <summary>The folder of the libonnxruntime this process has loaded (Linux: from /proc/self/maps), else the app's runtimes folder.</summary>
    internal static string? LoadedOnnxRuntimeDirectory()
    {
        string name = OperatingSystem.IsWindows() ? "onnxruntime.dll" : "libonnxruntime.so";
        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/maps"))
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && Path.GetFileName(line[slash..]).StartsWith(name, StringComparison.Ordinal))
                {
                    return Path.GetDirectoryName(line[slash..]);
                }
            }
        }
        string rid = OperatingSystem.IsWindows() ? "win-x64" : "linux-x64";
        foreach (string candidate in new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native") })
        {
            if (File.Exists(Path.Combine(candidate, name)))
            {
                return candidate;
            }
        }
        return null;
    }
}
