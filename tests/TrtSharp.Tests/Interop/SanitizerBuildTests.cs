using System.Runtime.InteropServices;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Tests.Interop;

/// <summary>
/// Guards the sanitizer run (build.cake SanitizerTest): without this check a run that silently loaded the plain shim
/// (it happened: a CMake cache reset dropped the flags) would pass while checking nothing.
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
        _ = NativeLibraryResolver.Load();
        string configured = Path.GetFullPath(Environment.GetEnvironmentVariable(NativeLibraryResolver.PathVariable)!);
        string expected = Directory.Exists(configured) ? Path.Combine(configured, "libtrtsharp_native.so") : configured;
        string[] mapped = File.ReadAllLines("/proc/self/maps")
            .Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6)
            .Select(f => f[5].Trim())
            .Distinct()
            .ToArray();
        Assert.That(mapped.Where(m => m.Contains("trtsharp_native", StringComparison.Ordinal)), Is.EqualTo(new[] { expected }),
            "exactly the shim of " + NativeLibraryResolver.PathVariable + " is loaded");
        // The instrumented build needs GCC's sanitizer runtimes (libasan is preloaded; only the shim pulls in libubsan).
        Assert.That(mapped, Has.Some.Contains("libasan.so"), "libasan is not loaded");
        Assert.That(mapped, Has.Some.Contains("libubsan.so"), "libubsan is not loaded: the shim is not instrumented");
    }

    /// <summary>
    /// Reads past a 16-byte heap block through the shim, only when TRTSHARP_ASAN_CANARY=1: SanitizerTest runs it alone
    /// and requires AddressSanitizer to stop the test host with a heap-buffer-overflow in <c>trts_blob_create</c>,
    /// which proves errors inside the shim are caught through the .NET host (this test never passes there).
    /// </summary>
    [Test]
    public unsafe void OverflowCanary()
    {
        if (Environment.GetEnvironmentVariable("TRTSHARP_ASAN_CANARY") != "1")
        {
            Assert.Ignore("only run by the sanitizer run's self-check (TRTSHARP_ASAN_CANARY=1)");
        }
        NativeShimFixture.RequireShim();
        byte* block = (byte*)NativeMemory.Alloc(16);
        try
        {
            TrtsBlob* blob = null;
            // The blob copies 64 bytes from a 16-byte block: AddressSanitizer must abort here.
            _ = TrtsNative.BlobCreate(block, 64, &blob);
            _ = TrtsNative.BlobDestroy(blob);
        }
        finally
        {
            NativeMemory.Free(block);
        }
        Assert.Fail("AddressSanitizer did not stop an out-of-bounds read in the shim");
    }
}
