using System.Text.RegularExpressions;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// Names what to install for a shared library the loader could not find, from the library's name and major version:
/// "libcublasLt.so.13" → cuBLAS of CUDA 13 (NVIDIA's apt package libcublas-13-*). ONNX Runtime's GPU providers are built
/// against one CUDA major version, whose libraries must be installed beside the driver.
/// </summary>
internal static partial class MissingDependencyPackages
{
    /// <summary>The package(s) providing the first missing library the loader's message names, or null when it names none known.</summary>
    public static string? Describe(string? loaderMessage)
    {
        if (loaderMessage is null || MissingLibrary().Match(loaderMessage) is not { Success: true } match)
        {
            return null;
        }
        string stem = match.Groups["stem"].Value;
        string major = match.Groups["major"].Value;
        string file = match.Value;
        return stem switch
        {
            "libcublas" or "libcublasLt" => $"cuBLAS of CUDA {major} for {file} (NVIDIA apt package libcublas-{major}-<minor>, e.g. libcublas-{major}-0, or the CUDA {major} toolkit)",
            "libcudart" => $"the CUDA {major} runtime for {file} (NVIDIA apt package cuda-cudart-{major}-<minor>, e.g. cuda-cudart-{major}-0)",
            "libcufft" => $"cuFFT for {file} (NVIDIA apt package libcufft of the CUDA toolkit that ships it, e.g. libcufft-13-0 for CUDA 13)",
            "libcurand" => $"cuRAND for {file} (NVIDIA apt package libcurand of the matching CUDA toolkit, e.g. libcurand-13-0 for CUDA 13)",
            "libcudnn" => $"cuDNN {major} for {file} (NVIDIA apt package libcudnn{major}-cuda-<CUDA major>, e.g. libcudnn{major}-cuda-13)",
            "libnvinfer" or "libnvinfer_plugin" or "libnvonnxparser" => $"TensorRT {major} for {file} (NVIDIA apt package libnvinfer{major} and its plugins/parser packages)",
            _ => null,
        };
    }

    // The glibc loader's "libX.so.N: cannot open shared object file"; the first such name is the one missing.
    [GeneratedRegex(@"(?<stem>lib[A-Za-z_]+)\.so\.(?<major>\d+)(?:\.\d+)*(?=: cannot open shared object file)")]
    private static partial Regex MissingLibrary();
}
