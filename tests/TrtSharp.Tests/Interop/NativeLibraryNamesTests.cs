using System.Runtime.InteropServices;
using TrtSharp.Interop;

namespace TrtSharp.Tests.Interop;

/// <summary>
/// Per-platform library names (shim, TensorRT; the CUDA runtime's are in CudaLibraryProbeTests) and the probe order that finds a shim shipped in a
/// NuGet package's <c>runtimes/&lt;rid&gt;/native</c> folder. Windows names are checked here because nothing on
/// Windows is built by this repository's automation.
/// </summary>
[TestFixture]
public class NativeLibraryNamesTests
{
    [Test]
    public void TheShimIsNamedAsCMakeNamesItOnEachPlatform()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NativeLibraryNames.Shim(OSPlatform.Windows), Is.EqualTo("trtsharp_native.dll"));
            Assert.That(NativeLibraryNames.Shim(OSPlatform.Linux), Is.EqualTo("libtrtsharp_native.so"));
            Assert.That(NativeLibraryNames.Shim(OSPlatform.OSX), Is.EqualTo("libtrtsharp_native.dylib"));
        });
    }

    [Test]
    public void TensorRtLibrariesCarryTheMajorVersionNewestFirst()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NativeLibraryNames.TensorRt(OSPlatform.Windows),
                Is.EqualTo(new[] { "nvinfer_11.dll", "nvonnxparser_11.dll", "nvinfer_10.dll", "nvonnxparser_10.dll" }));
            Assert.That(NativeLibraryNames.TensorRt(OSPlatform.Linux),
                Is.EqualTo(new[] { "libnvinfer.so.11", "libnvonnxparser.so.11", "libnvinfer.so.10", "libnvonnxparser.so.10" }));
        });
    }

    [TestCase("Windows", Architecture.X64, "win-x64")]
    [TestCase("Linux", Architecture.X64, "linux-x64")]
    [TestCase("Linux", Architecture.Arm64, "linux-arm64")]
    [TestCase("OSX", Architecture.Arm64, "osx-arm64")]
    public void ThePortableRidIsWhatPackagesUse(string os, Architecture arch, string rid) =>
        Assert.That(NativeLibraryNames.PortableRid(OSPlatform.Create(os.ToUpperInvariant()), arch), Is.EqualTo(rid));

    [Test]
    public void ADistributionRidAlsoProbesThePortableRuntimesFolder()
    {
        string app = Path.Combine(Path.GetTempPath(), "app");
        var candidates = NativeLibraryResolver.Candidates(null, app, "ubuntu.24.04-x64", "linux-x64").ToList();
        string file = NativeLibraryResolver.FileName;
        Assert.That(candidates.Take(3), Is.EqualTo(new[]
        {
            Path.Combine(app, file),
            Path.Combine(app, "runtimes", "ubuntu.24.04-x64", "native", file),
            Path.Combine(app, "runtimes", "linux-x64", "native", file),
        }));
    }

    [Test]
    public void APortableRidIsProbedOnceAfterTheEnvironmentVariable()
    {
        string app = Path.Combine(Path.GetTempPath(), "app");
        string env = Path.Combine(Path.GetTempPath(), "custom", "libtrtsharp_native.so");
        var candidates = NativeLibraryResolver.Candidates(env, app, "linux-x64", "linux-x64").ToList();
        Assert.That(candidates[0], Is.EqualTo(env));
        Assert.That(candidates.Count(c => c.Contains(Path.Combine("runtimes", "linux-x64"), StringComparison.Ordinal)), Is.EqualTo(1));
    }
}
