using System.Runtime.InteropServices;
using TrtSharp.Interop;

namespace TrtSharp.TensorRT;

/// <summary>
/// Looks for the TensorRT library itself, so that "TensorRT is unavailable" can say whether libnvinfer is missing from
/// this machine or only the shim was built without it (a core-only shim never loads libnvinfer, so it cannot tell).
/// </summary>
internal static class TensorRtLibraryProbe
{
    // Probed once per process: the answer only changes when libraries are installed, and every factory Open asks.
    private static readonly Lazy<string?> Answer = new(Probe);

    /// <summary>The runtime libraries (libnvinfer / nvinfer_N.dll) of the TensorRT majors the shim supports, newest first.</summary>
    public static IReadOnlyList<string> LibraryNames { get; } =
        [.. NativeLibraryNames.TensorRt(NativeLibraryNames.Current).Where(n => n.Contains("nvinfer", StringComparison.Ordinal))];

    /// <summary>"libnvinfer.so.11 and libnvinfer.so.10 not found …" when none loads, or null when one does.</summary>
    public static string? Missing() => Answer.Value;

    private static string? Probe()
    {
        foreach (string name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out nint handle))
            {
                NativeLibrary.Free(handle);
                return null;
            }
        }
        return $"{string.Join(" and ", LibraryNames)} not found on the library search path";
    }
}
