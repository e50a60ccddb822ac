using System.Runtime.InteropServices;

namespace TrtSharp.Interop;

/// <summary>
/// The file names of the shim and of the TensorRT libraries a full shim links, per platform, and the portable runtime
/// identifier under which a NuGet package carries the shim (<c>runtimes/&lt;rid&gt;/native</c>). Pure, so every
/// platform's names are testable on any machine.
/// </summary>
internal static class NativeLibraryNames
{
    /// <summary>The shim's file name: CMake's output name on that platform (no <c>lib</c> prefix on Windows).</summary>
    public static string Shim(OSPlatform platform) =>
        platform == OSPlatform.Windows ? "trtsharp_native.dll"
        : platform == OSPlatform.OSX ? "libtrtsharp_native.dylib"
        : "libtrtsharp_native.so";

    /// <summary>
    /// The TensorRT libraries a full shim needs at run time, newest major first. Windows DLLs carry the major in their
    /// names; Linux records the versioned SONAME at link time.
    /// </summary>
    public static IReadOnlyList<string> TensorRt(OSPlatform platform) =>
        platform == OSPlatform.Windows
            ? ["nvinfer_11.dll", "nvonnxparser_11.dll", "nvinfer_10.dll", "nvonnxparser_10.dll"]
            : ["libnvinfer.so.11", "libnvonnxparser.so.11", "libnvinfer.so.10", "libnvonnxparser.so.10"];

    /// <summary>
    /// The portable RID (<c>linux-x64</c>, <c>win-x64</c>, <c>osx-arm64</c>…) for a platform and architecture; a
    /// distribution-built .NET reports a distribution RID (<c>ubuntu.24.04-x64</c>) that packages do not use.
    /// </summary>
    public static string PortableRid(OSPlatform platform, Architecture architecture)
    {
        string os = platform == OSPlatform.Windows ? "win" : platform == OSPlatform.OSX ? "osx" : "linux";
        string arch = architecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            _ => architecture.ToString().ToLowerInvariant(),
        };
        return $"{os}-{arch}";
    }

    /// <summary>The platform this process runs on.</summary>
    public static OSPlatform Current =>
        OperatingSystem.IsWindows() ? OSPlatform.Windows : OperatingSystem.IsMacOS() ? OSPlatform.OSX : OSPlatform.Linux;
}
