using System.Runtime.InteropServices;

namespace TrtSharp.TensorRT;

/// <summary>
/// Looks for the TensorRT library itself, so that "TensorRT is unavailable" can say whether libnvinfer is missing from
/// this machine or only the shim was built without it (a core-only shim never loads libnvinfer, so it cannot tell).
/// </summary>
internal static class TensorRtLibraryProbe
{
    /// <summary>The file names of the TensorRT major versions the shim supports, on this platform.</summary>
    public static IReadOnlyList<string> LibraryNames { get; } = OperatingSystem.IsWindows()
        ? ["nvinfer_10.dll", "nvinfer_11.dll"]
        : ["libnvinfer.so.10", "libnvinfer.so.11"];

    /// <summary>"libnvinfer.so.10 and libnvinfer.so.11 not found" when none loads, or null when one does.</summary>
    public static string? Missing()
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
