using System.Text.RegularExpressions;
using TrtSharp.Cuda;
using TrtSharp.Errors;

namespace TrtSharp.Tests.Cuda;

/// <summary>Tests against the real libcudart that need no GPU: versions, error names, the no-device path.</summary>
[TestFixture]
public partial class CudaRuntimeTests
{
    [SetUp]
    public void NeedLibrary() => CudaTestEnvironment.RequireLibrary();

    [GeneratedRegex(@"libcudart\.so\.(\d+)")]
    private static partial Regex SonameMajor();

    [Test]
    public void RuntimeVersionMatchesTheSonameOrNamesTheDriverError()
    {
        Version version;
        try
        {
            version = CudaRuntime.RuntimeVersion;
        }
        catch (CudaUnavailableException e)
        {
            // CUDA 11 runtimes refuse to report their version without a driver; that must be named, not hidden.
            Assert.That(e.ErrorName, Is.AnyOf("cudaErrorInsufficientDriver", "cudaErrorNoDevice"));
            Assert.That(e.Message, Does.Contain(e.ErrorName!).And.Contain("cudaRuntimeGetVersion"));
            Assert.That(CudaRuntime.IsAvailable, Is.False);
            return;
        }

        Match m = SonameMajor().Match(CudaRuntime.LibraryPath!);
        if (!m.Success)
            Assert.Ignore($"loaded {CudaRuntime.LibraryPath}, whose name carries no major version");
        Assert.That(version.Major, Is.EqualTo(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(version.Minor, Is.InRange(0, 9));
    }

    [Test]
    public void VersionsDecodeAsThousandsAndTens()
    {
        Assert.That(CudaRuntime.Decode(11080), Is.EqualTo(new Version(11, 8)));
        Assert.That(CudaRuntime.Decode(12040), Is.EqualTo(new Version(12, 4)));
        Assert.That(CudaRuntime.Decode(13000), Is.EqualTo(new Version(13, 0)));
    }

    // Expected names and texts are from CUDA's driver_types.h and the runtime's documentation.
    [TestCase(0, "cudaSuccess")]
    [TestCase(1, "cudaErrorInvalidValue")]
    [TestCase(2, "cudaErrorMemoryAllocation")]
    [TestCase(35, "cudaErrorInsufficientDriver")]
    [TestCase(100, "cudaErrorNoDevice")]
    [TestCase(101, "cudaErrorInvalidDevice")]
    [TestCase(400, "cudaErrorInvalidResourceHandle")]
    [TestCase(600, "cudaErrorNotReady")]
    [TestCase(700, "cudaErrorIllegalAddress")]
    [TestCase(900, "cudaErrorStreamCaptureUnsupported")]
    [TestCase(999, "cudaErrorUnknown")]
    public void ErrorNamesComeFromTheRuntime(int code, string name)
    {
        Assert.That(CudaRuntime.GetErrorName(code), Is.EqualTo(name));
    }

    [Test]
    public void ErrorStringsComeFromTheRuntime()
    {
        Assert.That(CudaRuntime.GetErrorString(2), Is.EqualTo("out of memory"));
        Assert.That(CudaRuntime.GetErrorString(100), Is.EqualTo("no CUDA-capable device is detected"));
    }

    [Test]
    public void FailedCallBecomesCudaExceptionWithCodeNameAndOperation()
    {
        CudaException e = CudaCheck.Failure(2, "cudaMalloc(4096 bytes)");
        Assert.That(e.ErrorCode, Is.EqualTo(2));
        Assert.That(e.ErrorName, Is.EqualTo("cudaErrorMemoryAllocation"));
        Assert.That(e.Description, Is.EqualTo("out of memory"));
        Assert.That(e.Operation, Is.EqualTo("cudaMalloc(4096 bytes)"));
        Assert.That(e.Message, Is.EqualTo("cudaMalloc(4096 bytes) failed: cudaErrorMemoryAllocation (2): out of memory"));
        Assert.That(e, Is.InstanceOf<TrtSharpException>());
    }

    [Test]
    public void CheckPassesSuccessAndThrowsOnError()
    {
        Assert.DoesNotThrow(() => CudaCheck.Check(0, "x"));
        var e = Assert.Throws<CudaException>(() => CudaCheck.Check(1, "cudaMemsetAsync"));
        Assert.That(e!.ErrorName, Is.EqualTo("cudaErrorInvalidValue"));
    }

    [Test]
    public void WithoutADeviceDeviceCountNamesTheCudaError()
    {
        CudaTestEnvironment.RequireNoDevice();

        var e = Assert.Throws<CudaUnavailableException>(() => _ = CudaRuntime.DeviceCount);

        Assert.That(e!.ErrorName, Is.AnyOf("cudaErrorInsufficientDriver", "cudaErrorNoDevice"));
        Assert.That(CudaRuntime.GetErrorName(e.ErrorCode!.Value), Is.EqualTo(e.ErrorName));
        Assert.That(e.Message, Does.Contain(e.ErrorName!).And.Contain(CudaRuntime.LibraryPath!));
        Assert.That(e, Is.InstanceOf<BackendUnavailableException>());
        Assert.That(CudaRuntime.IsAvailable, Is.False);
        Assert.That(CudaRuntime.UnavailableReason, Is.EqualTo(e.Message));
    }

    [Test]
    public void WithoutADriverTheDriverVersionIsAbsentOrOlderThanTheRuntime()
    {
        CudaTestEnvironment.RequireNoDevice();
        var e = Assert.Throws<CudaUnavailableException>(() => _ = CudaRuntime.DeviceCount);
        if (e!.ErrorName != "cudaErrorInsufficientDriver")
            Assert.Ignore($"the runtime reported {e.ErrorName}, not a driver problem");

        Version? driver = CudaRuntime.DriverVersion;
        string driverLibrary = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(driverLibrary, out IntPtr driverHandle))
        {
            Assert.That(driver, Is.Null, $"{driverLibrary} does not load, so cudaDriverGetVersion must report 0");
            return;
        }

        System.Runtime.InteropServices.NativeLibrary.Free(driverHandle);
        Match m = SonameMajor().Match(CudaRuntime.LibraryPath!);
        Assert.That(driver, Is.Not.Null);
        if (m.Success)
            Assert.That(driver!.Major, Is.LessThanOrEqualTo(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void WithoutADeviceEveryResourceRefusesWithCudaUnavailable()
    {
        CudaTestEnvironment.RequireNoDevice();
        long leaksBefore = TrtSharp.Diagnostics.NativeLeakTracker.Count;
        Assert.Multiple(() =>
        {
            Assert.Throws<CudaUnavailableException>(() => new CudaStream().Dispose());
            Assert.Throws<CudaUnavailableException>(() => new CudaEvent().Dispose());
            Assert.Throws<CudaUnavailableException>(() => new DeviceBuffer<float>(16).Dispose());
            Assert.Throws<CudaUnavailableException>(() => new PinnedBuffer<float>(16).Dispose());
            Assert.Throws<CudaUnavailableException>(() => CudaDevice.Get(0));
            Assert.Throws<CudaUnavailableException>(() => _ = CudaDevice.Current);
        });
        // Nothing was allocated, so nothing can leak.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(leaksBefore));
    }
}
