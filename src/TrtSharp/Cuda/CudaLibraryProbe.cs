using System.Runtime.InteropServices;

namespace TrtSharp.Cuda;

/// <summary>
/// Decides where the CUDA runtime library may live and tries each place in order, remembering why each failed.
/// Pure apart from the file system and <see cref="NativeLibrary"/>, so the order and the failure message can be tested
/// with any environment.
/// </summary>
/// <remarks>
/// Order: every folder in <c>TRTSHARP_CUDA_PATH</c> (a path list), the application folder, <c>CUDA_PATH</c> and its
/// library subfolders, then the system loader's own search. Within one place the newest major version comes first:
/// <c>libcudart.so.13</c>, <c>.12</c>, <c>.11.0</c>, then the unversioned development symlink
/// (Windows: <c>cudart64_13*.dll</c>, <c>cudart64_12.dll</c>, <c>cudart64_110.dll</c>). An explicitly named folder
/// wins over a newer runtime elsewhere because the user asked for it.
/// When the TensorRT shim reports the CUDA major it was built with, only that major's runtime is tried: CUDA handles
/// (streams, events, memory) must not cross runtimes, and a newer runtime may need a driver the machine lacks even
/// though the shim's own runtime works.
/// </remarks>
internal static class CudaLibraryProbe
{
    /// <summary>Environment variable naming extra folders to search first.</summary>
    internal const string PathVariable = "TRTSHARP_CUDA_PATH";

    /// <summary>The CUDA toolkit's own root variable.</summary>
    internal const string ToolkitVariable = "CUDA_PATH";

    internal static readonly string[] LinuxNames = ["libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so"];

    // CUDA 13 names its DLL with a minor suffix on some releases, hence the pattern; the bare name is what the
    // system search is given.
    internal static readonly string[] WindowsPatterns = ["cudart64_13*.dll", "cudart64_12.dll", "cudart64_110.dll"];

    /// <summary>Builds the ordered candidate list.</summary>
    /// <param name="getEnvironment">Reads an environment variable (injected for tests).</param>
    /// <param name="appFolder">The application's base folder.</param>
    /// <param name="windows">Whether to use Windows DLL names.</param>
    /// <param name="preferredMajor">The CUDA major the shim was built with (null when unknown: newest first).</param>
    internal static List<CudaLibraryCandidate> Candidates(Func<string, string?> getEnvironment, string? appFolder, bool windows, int? preferredMajor = null)
    {
        string[] linuxNames = LinuxNamesFor(preferredMajor);
        string[] windowsPatterns = WindowsPatternsFor(preferredMajor);
        var folders = new List<string>();
        void AddFolder(string? folder)
        {
            if (string.IsNullOrWhiteSpace(folder))
                return;
            string full = Path.GetFullPath(folder.Trim());
            if (!folders.Contains(full, windows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal))
                folders.Add(full);
        }

        foreach (string folder in (getEnvironment(PathVariable) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            AddFolder(folder);
        AddFolder(appFolder);
        string? toolkit = getEnvironment(ToolkitVariable);
        if (!string.IsNullOrWhiteSpace(toolkit))
        {
            AddFolder(toolkit);
            foreach (string sub in windows ? ["bin", Path.Combine("bin", "x64")] : new[] { "lib64", "lib" })
                AddFolder(Path.Combine(toolkit.Trim(), sub));
        }

        var candidates = new List<CudaLibraryCandidate>();
        foreach (string folder in folders)
        {
            if (windows)
            {
                foreach (string pattern in windowsPatterns)
                    candidates.AddRange(ExpandPattern(folder, pattern));
            }
            else
            {
                foreach (string name in linuxNames)
                    candidates.Add(new CudaLibraryCandidate(Path.Combine(folder, name), SystemSearch: false));
            }
        }

        foreach (string name in windows ? windowsPatterns.Select(p => p.Replace("*", "", StringComparison.Ordinal)) : linuxNames)
            candidates.Add(new CudaLibraryCandidate(name, SystemSearch: true));
        return candidates;
    }

    /// <summary>Linux file names to try: only <paramref name="major"/>'s soname when known, else newest first.</summary>
    internal static string[] LinuxNamesFor(int? major) => major switch
    {
        null or <= 0 => LinuxNames,
        11 => ["libcudart.so.11.0"],
        _ => [$"libcudart.so.{major}"],
    };

    /// <summary>Windows DLL patterns to try: only <paramref name="major"/>'s when known, else newest first.</summary>
    internal static string[] WindowsPatternsFor(int? major) => major switch
    {
        null or <= 0 => WindowsPatterns,
        11 => ["cudart64_110.dll"],
        12 => ["cudart64_12.dll"],
        _ => [$"cudart64_{major}*.dll"],
    };

    /// <summary>The CUDA major of a runtime version as CUDA encodes it (12080 → 12); null for 0 (core-only shim).</summary>
    internal static int? MajorOf(int cudaRuntimeVersion) => cudaRuntimeVersion > 0 ? cudaRuntimeVersion / 1000 : null;

    private static IEnumerable<CudaLibraryCandidate> ExpandPattern(string folder, string pattern)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
            return [new CudaLibraryCandidate(Path.Combine(folder, pattern), SystemSearch: false)];

        string[] matches = Directory.Exists(folder) ? Directory.GetFiles(folder, pattern) : [];
        if (matches.Length == 0)
            return [new CudaLibraryCandidate(Path.Combine(folder, pattern), SystemSearch: false)];
        // Highest suffix first, so cudart64_131.dll beats cudart64_13.dll.
        Array.Sort(matches, StringComparer.OrdinalIgnoreCase);
        Array.Reverse(matches);
        return matches.Select(m => new CudaLibraryCandidate(m, SystemSearch: false));
    }

    /// <summary>Tries each candidate in order and returns the first that loads, with every failure before it.</summary>
    internal static CudaLibraryLoadResult Load(IEnumerable<CudaLibraryCandidate> candidates)
    {
        var tried = new List<string>();
        foreach (CudaLibraryCandidate candidate in candidates)
        {
            if (!candidate.SystemSearch && !File.Exists(candidate.Path))
            {
                tried.Add($"{candidate.Path}: not present");
                continue;
            }

            try
            {
                IntPtr handle = NativeLibrary.Load(candidate.Path);
                return new CudaLibraryLoadResult(handle, candidate.Path, tried);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                string where = candidate.SystemSearch ? $"{candidate.Path} (system search)" : candidate.Path;
                tried.Add($"{where}: {Reason(e, candidate.Path)}");
            }
        }

        return new CudaLibraryLoadResult(IntPtr.Zero, null, tried);
    }

    // The runtime's message repeats the name and boilerplate; keep the loader's own line (dlerror / Win32 text).
    private static string Reason(Exception e, string name)
    {
        string[] lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? specific = lines.LastOrDefault(l => l.Contains(name, StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal));
        return specific ?? lines.LastOrDefault() ?? e.GetType().Name;
    }

    /// <summary>The one-paragraph message for a library that could not be loaded from anywhere.</summary>
    internal static string FailureMessage(IReadOnlyList<string> tried, bool windows)
    {
        string install = windows
            ? "install the NVIDIA CUDA Toolkit or driver-bundled runtime (cudart64_*.dll)"
            : "install the CUDA runtime (Debian/Ubuntu: libcudart12 or libcudart11.0 from non-free; or the NVIDIA CUDA Toolkit)";
        return $"CUDA runtime library not found: {install}, or set {PathVariable} to the folder that holds it. Tried:"
            + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", tried);
    }
}

/// <summary>One place to try: a full path, or a bare name for the system loader's search.</summary>
internal readonly record struct CudaLibraryCandidate(string Path, bool SystemSearch);

/// <summary>The outcome of probing: a handle and its path, or zero; always every failed attempt before it.</summary>
internal sealed record CudaLibraryLoadResult(IntPtr Handle, string? Path, IReadOnlyList<string> Tried);
