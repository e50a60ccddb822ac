using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Errors;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop;

/// <summary>
/// Loads <c>trtsharp_native</c> from known places: <c>TRTSHARP_NATIVE_PATH</c> (a folder, or the file itself), the app folder,
/// <c>runtimes/&lt;rid&gt;/native</c>, then the repository's CMake output (<c>build/native</c>) above the app folder.
/// A failed load lists every path tried.
/// </summary>
internal static class NativeLibraryResolver
{
    /// <summary>Environment variable naming the folder that holds the shim (naming the file itself works too).</summary>
    public const string PathVariable = "TRTSHARP_NATIVE_PATH";

    private static readonly Lock Gate = new();
    private static bool registered;
    private static nint handle;

    /// <summary>
    /// Registers the resolver when the assembly loads, so every P/Invoke into the shim resolves through it whichever code
    /// path calls first (a status table, a handle's destroy, a leak check), not only those that call <see cref="Register"/>.
    /// </summary>
#pragma warning disable CA2255 // A library module initializer on purpose: the resolver must precede any shim call.
    [ModuleInitializer]
    internal static void RegisterOnLoad() => Register();
#pragma warning restore CA2255

    /// <summary>Installs the resolver for this assembly once; later calls do nothing.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
            registered = true;
        }
    }

    /// <summary>Loads the shim now, or throws <see cref="BackendUnavailableException"/> listing every path tried.</summary>
    public static nint Load()
    {
        lock (Gate)
        {
            if (handle != 0)
            {
                return handle;
            }

            var tried = new StringBuilder();
            bool loadFailed = false;
            foreach (var candidate in Candidates())
            {
                if (!File.Exists(candidate))
                {
                    tried.Append("\n  ").Append(candidate).Append(" (not found)");
                    continue;
                }

                if (TryLoad(candidate, out handle, out string? reason))
                {
                    if (AbiMismatch(handle) is not string mismatch)
                    {
                        return handle;
                    }

                    // A stale build from before a header change: its structs no longer match the generated bindings.
                    NativeLibrary.Free(handle);
                    handle = 0;
                    tried.Append("\n  ").Append(candidate).Append(" (").Append(mismatch).Append(')');
                    continue;
                }

                tried.Append("\n  ").Append(candidate).Append(" (exists but failed to load: ").Append(reason).Append(')');
                loadFailed = true;
            }

            if (!loadFailed && NativeLibrary.TryLoad(TrtsNative.LibraryName, typeof(NativeLibraryResolver).Assembly, null, out nint fromRuntime))
            {
                // The runtime's own probing (deps.json native paths, e.g. a package in the NuGet cache) found it.
                if (AbiMismatch(fromRuntime) is not string mismatch)
                {
                    handle = fromRuntime;
                    return handle;
                }
                NativeLibrary.Free(fromRuntime);
                tried.Append("\n  ").Append(TrtsNative.LibraryName).Append(" from the runtime's probing paths (").Append(mismatch).Append(')');
            }

            if (loadFailed)
            {
                // The usual cause: a full shim on a machine whose loader cannot find TensorRT's libraries.
                tried.Append("\n A full shim needs TensorRT's libraries (")
                    .Append(string.Join(", ", NativeLibraryNames.TensorRt(NativeLibraryNames.Current)))
                    .Append(") and the CUDA runtime where the loader finds them (")
                    .Append(OperatingSystem.IsWindows() ? "PATH or the app folder" : "LD_LIBRARY_PATH or ldconfig").Append(").");
            }

            throw new BackendUnavailableException(NotLoadedMessage(tried.ToString()));
        }
    }

    /// <summary>
    /// Why the shim is missing and what to do, for an installed application first: the package ships the shim, so
    /// the usual remedies are the platform's runtime folder or <see cref="PathVariable"/>; building from source comes last.
    /// </summary>
    internal static string NotLoadedMessage(string tried) =>
        $"The TrtSharp native shim ({FileName}) could not be loaded. The TrtSharp package ships it for supported " +
        $"platforms under runtimes/{RuntimeInformation.RuntimeIdentifier}/native/ (copied next to the application when " +
        $"it is built or published); otherwise set {PathVariable} to the folder that holds a {FileName} built for this " +
        "platform (from the TrtSharp sources with CMake, as the documentation's 'Building the native shim' describes). " +
        "Paths tried:" + tried;

    /// <summary>
    /// Loads <paramref name="path"/>; on failure <paramref name="reason"/> is the loader's own words (e.g. which
    /// dependency such as <c>libnvinfer.so.10</c> is missing, or a wrong architecture).
    /// </summary>
    internal static bool TryLoad(string path, out nint library, [NotNullWhen(false)] out string? reason)
    {
        try
        {
            library = NativeLibrary.Load(path);
            reason = null;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            library = 0;
            reason = LoaderReason(e.Message, path);
            return false;
        }
    }

    /// <summary>The loader's line about <paramref name="path"/> (dlerror / Win32 text), without .NET's boilerplate.</summary>
    internal static string LoaderReason(string message, string path)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? specific = lines.FirstOrDefault(l => l.StartsWith(path, StringComparison.Ordinal) && l.Length > path.Length)
            ?? lines.FirstOrDefault(l => l.Contains("cannot open shared object", StringComparison.Ordinal) || l.Contains("undefined symbol", StringComparison.Ordinal));
        return specific ?? lines.LastOrDefault() ?? "unknown loader error";
    }

    /// <summary>
    /// The CUDA major the shim was built with (a full shim reports its CUDA runtime version), or null when the shim
    /// cannot be loaded or is core-only. Never throws: CUDA-only use must work without the shim.
    /// </summary>
    internal static unsafe int? ShimCudaMajor()
    {
        try
        {
            nint library = Load();
            if (!NativeLibrary.TryGetExport(library, "trts_build_info_init", out nint init)
                || !NativeLibrary.TryGetExport(library, "trts_get_build_info", out nint get))
            {
                return null;
            }
            Generated.TrtsBuildInfo info;
            if (((delegate* unmanaged[Cdecl]<Generated.TrtsBuildInfo*, Generated.TrtsStatus>)init)(&info) != Generated.TrtsStatus.Ok
                || ((delegate* unmanaged[Cdecl]<Generated.TrtsBuildInfo*, Generated.TrtsStatus>)get)(&info) != Generated.TrtsStatus.Ok)
            {
                return null;
            }
            return info.Mode == Generated.TrtsBuildMode.Full ? Cuda.CudaLibraryProbe.MajorOf(info.CudaRuntimeVersion) : null;
        }
        catch (BackendUnavailableException)
        {
            return null;
        }
    }

    /// <summary>Why the library's C ABI differs from the generated bindings', or null when it matches.</summary>
    internal static unsafe string? AbiMismatch(nint library)
    {
        if (!NativeLibrary.TryGetExport(library, "trts_get_abi_version", out nint export))
        {
            return "not a TrtSharp shim: no trts_get_abi_version";
        }

        int version = 0;
        var status = ((delegate* unmanaged[Cdecl]<int*, Generated.TrtsStatus>)export)(&version);
        return status == Generated.TrtsStatus.Ok && version == Generated.TrtsNative.AbiVersion ? null
            : $"C ABI version {version}, but this TrtSharp needs {Generated.TrtsNative.AbiVersion}: use the shim of the same TrtSharp version";
    }

    /// <summary>The platform file name of the shim.</summary>
    public static string FileName => NativeLibraryNames.Shim(NativeLibraryNames.Current);

    /// <summary>
    /// Every place probed, in order: around the app folder, then around the folder TrtSharp.dll was loaded from when
    /// that differs (plugin hosts, tools that load the library from elsewhere).
    /// </summary>
    public static IEnumerable<string> Candidates()
    {
        string env = Environment.GetEnvironmentVariable(PathVariable) ?? "";
        string rid = RuntimeInformation.RuntimeIdentifier;
        string portable = NativeLibraryNames.PortableRid(NativeLibraryNames.Current, RuntimeInformation.ProcessArchitecture);
        var around = Candidates(env, AppContext.BaseDirectory, rid, portable);
        if (Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location) is { Length: > 0 } assemblyDir)
        {
            around = around.Concat(Candidates(null, assemblyDir, rid, portable));
        }
        return around.Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// Every place probed, in order, for given inputs. A package's <c>runtimes/&lt;rid&gt;/native</c> folder is
    /// copied below the app folder by a RID-less build (a RID-specific publish flattens it into the app folder), so
    /// both the runtime's RID and the portable one are tried.
    /// </summary>
    internal static IEnumerable<string> Candidates(string? env, string app, string runtimeRid, string portableRid)
    {
        if (!string.IsNullOrWhiteSpace(env))
        {
            yield return Directory.Exists(env) ? Path.Combine(env, FileName) : env;
        }

        yield return Path.Combine(app, FileName);
        yield return Path.Combine(app, "runtimes", runtimeRid, "native", FileName);
        if (!string.Equals(runtimeRid, portableRid, StringComparison.Ordinal))
        {
            yield return Path.Combine(app, "runtimes", portableRid, "native", FileName);
        }
        // Development checkouts: walk up from bin/<config>/<tfm>/ to the repository's CMake output.
        for (var dir = new DirectoryInfo(app); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CMakeLists.txt")) && Directory.Exists(Path.Combine(dir.FullName, "native")))
            {
                yield return Path.Combine(dir.FullName, "build", "native", FileName);
                break;
            }
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == TrtsNative.LibraryName ? Load() : 0;
}
