using TrtSharp.OnnxRuntime;

using TrtSharp.Tests.Interop;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>
/// The real reason a CUDA/TensorRT execution provider is unusable: the CPU package referenced (here, for real), or a
/// provider library whose dependency is missing (a g++-built library linked against a removed stand-in for cuBLAS).
/// </summary>
public sealed class ProviderLibraryProbeTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-probe-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void WithTheCpuPackageTheFallbackSaysWhichPackageToReference()
    {
        var options = new OnnxRuntimeOptions();
        options.ExecutionProviders.Add(new CudaProviderOptions());
        options.ExecutionProviders.Add(new CpuProviderOptions());
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul(), options);
        string reason = session.ProviderFallbacks.Single().Reason;
        TestContext.Out.WriteLine(reason);
        Assert.That(reason, Does.StartWith("libonnxruntime_providers_cuda.so is not beside ONNX Runtime")
            .And.Contain("reference Microsoft.ML.OnnxRuntime.Gpu.Linux")
            .And.Contain("(ONNX Runtime: "));
        Assert.That(ProviderLibraryProbe.LoadedOnnxRuntimeDirectory(), Does.EndWith(Path.Combine("runtimes", "linux-x64", "native")).Or.EqualTo(AppContext.BaseDirectory.TrimEnd('/')));
    }

    [Test]
    public void AProviderLibraryMissingADependencyNamesIt()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("builds a Linux shared library with g++");
        }
        // As the GPU package on a machine without CUDA 13: the provider library is there, cuBLAS is not.
        string dep = Path.Combine(_dir, "libcublasLt_stand_in.so.13");
        File.WriteAllText(Path.Combine(_dir, "dep.cpp"), "extern \"C\" int cublas_stand_in() { return 1; }\n");
        File.WriteAllText(Path.Combine(_dir, "lib.cpp"), "extern \"C\" int cublas_stand_in();\nextern \"C\" int provider_uses() { return cublas_stand_in(); }\n");
        SharedLibraryCompiler.Compile($"-shared -fPIC -Wl,-soname,libcublasLt_stand_in.so.13 -o {dep} {Path.Combine(_dir, "dep.cpp")}");
        SharedLibraryCompiler.Compile($"-shared -fPIC -o {Path.Combine(_dir, "libonnxruntime_providers_cuda.so")} {Path.Combine(_dir, "lib.cpp")} {dep}");
        File.Delete(dep);

        string? reason = ProviderLibraryProbe.Explain(new CudaProviderOptions(), _dir);
        TestContext.Out.WriteLine(reason);
        Assert.That(reason, Does.StartWith("libonnxruntime_providers_cuda.so cannot load: ")
            .And.Contain("libcublasLt_stand_in.so.13").And.Contain("cannot open shared object file")
            .And.Contain("install the CUDA libraries"));
        Assert.That(ProviderLibraryProbe.Explain(new TensorRtProviderOptions(), _dir), Does.Contain("libonnxruntime_providers_tensorrt.so is not beside ONNX Runtime"));
        Assert.That(ProviderLibraryProbe.Explain(new CpuProviderOptions(), _dir), Is.Null, "the CPU provider is built in");
    }

    [Test]
    public void ALoadableProviderLibraryLeavesOnnxRuntimesReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("builds a Linux shared library with g++");
        }
        File.WriteAllText(Path.Combine(_dir, "lib.cpp"), "extern \"C\" int provider() { return 1; }\n");
        SharedLibraryCompiler.Compile($"-shared -fPIC -o {Path.Combine(_dir, "libonnxruntime_providers_cuda.so")} {Path.Combine(_dir, "lib.cpp")}");
        Assert.That(ProviderLibraryProbe.Explain(new CudaProviderOptions(), _dir), Is.Null);
    }

    [TestCase("libcublasLt.so.13: cannot open shared object file: No such file or directory", "libcublas-13-0")]
    [TestCase("libcublas.so.13: cannot open shared object file: No such file or directory", "cuBLAS of CUDA 13")]
    [TestCase("libcudart.so.13: cannot open shared object file: No such file or directory", "cuda-cudart-13-0")]
    [TestCase("libcudnn.so.9: cannot open shared object file: No such file or directory", "libcudnn9-cuda-")]
    [TestCase("libnvinfer.so.10: cannot open shared object file: No such file or directory", "libnvinfer10")]
    public void AMissingCudaLibraryIsTranslatedIntoThePackageToInstall(string loaderMessage, string package)
    {
        string? what = MissingDependencyPackages.Describe(loaderMessage);
        Assert.That(what, Does.Contain(package).And.Contain(loaderMessage[..loaderMessage.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Test]
    public void AnUnknownOrAbsentLibraryNameGivesNoPackage()
    {
        Assert.That(MissingDependencyPackages.Describe("libfoo.so.1: cannot open shared object file: No such file or directory"), Is.Null);
        Assert.That(MissingDependencyPackages.Describe("undefined symbol: cublasLtCreate"), Is.Null);
        Assert.That(MissingDependencyPackages.Describe(null), Is.Null);
    }
}
