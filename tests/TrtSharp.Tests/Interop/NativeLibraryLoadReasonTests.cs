using TrtSharp.Interop;

namespace TrtSharp.Tests.Interop;

/// <summary>A shim that exists but cannot load is reported with the loader's reason, e.g. which dependency is missing.</summary>
[TestFixture]
public class NativeLibraryLoadReasonTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-load").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TheNotLoadedMessageHelpsAnInstalledApplication()
    {
        // An application installed from the package has no checkout: the remedies must not be repository paths.
        string message = NativeLibraryResolver.NotLoadedMessage("\n  /opt/app/libtrtsharp_native.so (not found)");
        Assert.That(message, Does.Contain($"runtimes/{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}/native/"));
        Assert.That(message, Does.Contain("set TRTSHARP_NATIVE_PATH to the folder"));
        Assert.That(message, Does.Not.Contain("build/native").And.Not.Contain("cake").And.Not.Contain("checkout"));
        Assert.That(message, Does.EndWith("(not found)"));
    }

    [Test]
    public void TheCoreOnlyMessageHelpsAnInstalledApplication()
    {
        NativeShimFixture.RequireShim();
        if (TrtSharp.TensorRT.TensorRtRuntime.BuildInfo.IsFull)
        {
            Assert.Ignore("the shim was built with TensorRT");
        }
        Assert.That(ShimUnavailableMessage(), Does.Contain("runtimes/<rid>/native/").And.Contain("TRTSHARP_NATIVE_PATH")
            .And.Not.Contain("build/native"));
        string reason = TrtSharp.TensorRT.TensorRtRuntime.UnavailableReason!;
        Assert.That(reason, Does.Contain("runtimes/<rid>/native/").And.Contain("TRTSHARP_NATIVE_PATH"));
        Assert.That(reason, Does.Not.Contain("build/native"));
    }

    private static unsafe string ShimUnavailableMessage()
    {
        TrtSharp.Interop.Generated.TrtsBuilder* raw = null;
        Assert.That(TrtSharp.Interop.Generated.TrtsNative.BuilderCreate(&raw), Is.EqualTo(TrtSharp.Interop.Generated.TrtsStatus.EUnavailable));
        return NativeStatus.LastErrorMessage();
    }

    [Test]
    public void AFileThatIsNoLibrarySaysSo()
    {
        string path = Path.Combine(_dir, "libtrtsharp_native.so");
        File.WriteAllText(path, "not an ELF file");
        Assert.That(NativeLibraryResolver.TryLoad(path, out _, out string? reason), Is.False);
        TestContext.Out.WriteLine(reason);
        Assert.That(reason, Does.Contain("invalid ELF header").Or.Contain("too short"));
    }

    [Test]
    public void AMissingDependencyIsNamed()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("builds a Linux shared library with g++");
        }
        // A library linked against libnvinfer_stand_in.so, which is then removed: as a full shim without TensorRT installed.
        string dep = Path.Combine(_dir, "libnvinfer_stand_in.so");
        string lib = Path.Combine(_dir, "libtrtsharp_native.so");
        File.WriteAllText(Path.Combine(_dir, "dep.cpp"), "extern \"C\" int trts_stand_in() { return 1; }\n");
        File.WriteAllText(Path.Combine(_dir, "lib.cpp"), "extern \"C\" int trts_stand_in();\nextern \"C\" int trts_uses() { return trts_stand_in(); }\n");
        SharedLibraryCompiler.Compile($"-shared -fPIC -o {dep} {Path.Combine(_dir, "dep.cpp")}");
        SharedLibraryCompiler.Compile($"-shared -fPIC -o {lib} {Path.Combine(_dir, "lib.cpp")} -L{_dir} -lnvinfer_stand_in");
        File.Delete(dep);

        Assert.That(NativeLibraryResolver.TryLoad(lib, out _, out string? reason), Is.False);
        TestContext.Out.WriteLine(reason);
        Assert.That(reason, Does.Contain("libnvinfer_stand_in.so").And.Contain("cannot open shared object file"));
    }
}
