using TrtSharp.Cuda;
using TrtSharp.Errors;

namespace TrtSharp.Tests.Cuda;

/// <summary>The process-wide behaviour when no CUDA runtime library can be found at all.</summary>
[TestFixture]
public class CudaMissingLibraryTests
{
    [Test]
    public void WithoutTheLibraryEveryEntryPointListsWhatWasTried()
    {
        if (CudaRuntime.IsLibraryAvailable)
            Assert.Ignore($"libcudart is installed ({CudaRuntime.LibraryPath}); the missing-library path cannot be observed here");

        var e = Assert.Throws<CudaUnavailableException>(() => _ = CudaRuntime.DeviceCount);
        Assert.That(e!.ErrorCode, Is.Null);
        Assert.That(e.TriedLibraries, Is.Not.Empty);
        foreach (string name in OperatingSystem.IsWindows() ? ["cudart64_12.dll", "cudart64_110.dll"] : CudaLibraryProbe.LinuxNames)
            Assert.That(e.TriedLibraries, Has.Some.StartWith($"{name} (system search): "));
        foreach (string tried in e.TriedLibraries)
            Assert.That(e.Message, Does.Contain(tried));

        Assert.That(CudaRuntime.IsAvailable, Is.False);
        Assert.That(CudaRuntime.LibraryPath, Is.Null);
        Assert.Throws<CudaUnavailableException>(() => _ = CudaRuntime.RuntimeVersion);
        Assert.Throws<CudaUnavailableException>(() => CudaRuntime.GetErrorName(2));
        Assert.Throws<CudaUnavailableException>(() => new DeviceBuffer<float>(1).Dispose());
    }
}
