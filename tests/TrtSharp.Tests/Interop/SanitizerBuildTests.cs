using System.Runtime.InteropServices;
using TrtSharp.Interop;

namespace TrtSharp.Tests.Interop;

/// <summary>
/// Guards the sanitizer run (build.cake SanitizerTest): without this check a run that silently loaded the plain
/// shim, or a host without libasan preloaded, would pass while checking nothing.
/// </summary>
[TestFixture]
[Category("Native")]
public sealed class SanitizerBuildTests
{
    [Test]
    public void SanitizedShimIsTheOneLoaded()
    {
        if (Environment.GetEnvironmentVariable("TRTSHARP_EXPECT_SANITIZER") != "1")
        {
            Assert.Ignore("only checked in the sanitizer run (dotnet cake --target=SanitizerTest)");
        }
        NativeShimFixture.RequireShim();
        nint shim = NativeLibraryResolver.Load();
        // dlsym through the shim's handle searches its dependencies: an instrumented build depends on libasan.
        Assert.That(NativeLibrary.TryGetExport(shim, "__asan_init", out _), Is.True, "the loaded shim is not built with AddressSanitizer");
        Assert.That(NativeLibrary.TryGetExport(shim, "__ubsan_handle_add_overflow", out _), Is.True, "the loaded shim is not built with UBSan");
        string maps = File.ReadAllText("/proc/self/maps");
        Assert.That(maps, Does.Contain("libasan"), "libasan is not mapped into the test host");
    }
}
