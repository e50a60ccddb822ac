using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using TrtSharp.Errors;

namespace TrtSharp.Cuda;

/// <summary>
/// Loads the CUDA runtime once per process and resolves <see cref="CudaNative.LibraryName"/> to it.
/// </summary>
/// <remarks>
/// Resolution goes through <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/> rather than
/// <see cref="NativeLibrary.SetDllImportResolver"/> on purpose: the latter may be set only once per assembly and the
/// TensorRT shim binding in this same assembly needs its own resolver. Because the P/Invoke alias is not a real file
/// name, the runtime's default probing always fails fast and hands the name to this event.
/// Thread-safe: the probe runs at most once (<see cref="Lazy{T}"/>), later calls read the cached result.
/// </remarks>
internal static class CudaLibrary
{
    private static readonly Lazy<CudaLibraryLoadResult> s_result = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    private static CudaLibraryLoadResult Probe()
    {
        bool windows = OperatingSystem.IsWindows();
        CudaLibraryLoadResult result = CudaLibraryProbe.Load(
            CudaLibraryProbe.Candidates(Environment.GetEnvironmentVariable, AppContext.BaseDirectory, windows, Interop.NativeLibraryResolver.ShimCudaMajor()));
        if (result.Handle != IntPtr.Zero)
        {
            Assembly self = typeof(CudaLibrary).Assembly;
            AssemblyLoadContext context = AssemblyLoadContext.GetLoadContext(self) ?? AssemblyLoadContext.Default;
            context.ResolvingUnmanagedDll += (assembly, name) =>
                assembly == self && name == CudaNative.LibraryName ? result.Handle : IntPtr.Zero;
        }
        return result;
    }

    /// <summary>Whether the runtime library loaded (probing on first use).</summary>
    internal static bool IsLoaded => s_result.Value.Handle != IntPtr.Zero;

    /// <summary>The path or name the library was loaded from, or <see langword="null"/>.</summary>
    internal static string? LoadedPath => s_result.Value.Path;

    /// <summary>Every failed attempt made before loading succeeded (or all attempts, when it failed).</summary>
    internal static IReadOnlyList<string> Tried => s_result.Value.Tried;

    /// <summary>Returns the library handle, throwing <see cref="CudaUnavailableException"/> that lists every attempt when it is missing.</summary>
    internal static IntPtr EnsureLoaded()
    {
        CudaLibraryLoadResult result = s_result.Value;
        if (result.Handle == IntPtr.Zero)
            throw new CudaUnavailableException(CudaLibraryProbe.FailureMessage(result.Tried, OperatingSystem.IsWindows()), result.Tried);
        return result.Handle;
    }
}
