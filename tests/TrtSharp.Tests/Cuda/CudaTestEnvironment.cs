using TrtSharp.Cuda;

namespace TrtSharp.Tests.Cuda;

/// <summary>Skips tests whose prerequisites (the CUDA runtime library, a device) are missing, naming the reason.</summary>
internal static class CudaTestEnvironment
{
    /// <summary>Ignores the test unless libcudart loads. CI installs Debian's libcudart11.0 so these run there.</summary>
    public static void RequireLibrary()
    {
        if (!CudaRuntime.IsLibraryAvailable)
            Assert.Ignore("CUDA runtime library (libcudart) is not installed: apt-get install libcudart11.0 (Debian non-free)");
    }

    /// <summary>Ignores the test unless a CUDA device is usable.</summary>
    public static void RequireDevice()
    {
        string? reason = CudaRuntime.UnavailableReason;
        if (reason is not null)
            Assert.Ignore($"no CUDA device: {reason}");
    }

    /// <summary>Ignores the test when a device is present, for tests of the no-device path.</summary>
    public static void RequireNoDevice()
    {
        RequireLibrary();
        if (CudaRuntime.IsAvailable)
            Assert.Ignore("a CUDA device is present; the no-device path cannot be observed here");
    }
}
