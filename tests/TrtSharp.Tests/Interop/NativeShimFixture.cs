using TrtSharp.Errors;
using TrtSharp.Interop;

namespace TrtSharp.Tests.Interop;

/// <summary>
/// Loads the real shim built by CMake (<c>cmake -S . -B build/native &amp;&amp; cmake --build build/native</c>).
/// Without it the tests are ignored with the reason, unless TRTSHARP_REQUIRE_NATIVE=1 (CI), where they fail.
/// </summary>
internal static class NativeShimFixture
{
    public static void RequireShim()
    {
        NativeLibraryResolver.Register();
        try
        {
            NativeLibraryResolver.Load();
        }
        catch (BackendUnavailableException e)
        {
            if (Environment.GetEnvironmentVariable("TRTSHARP_REQUIRE_NATIVE") == "1")
            {
                Assert.Fail(e.Message);
            }

            Assert.Ignore("native shim not built: " + e.Message);
        }
    }

    /// <summary>The shim, TensorRT and a CUDA device, or the test is ignored with the reason (GPU tests).</summary>
    public static void RequireTensorRt()
    {
        RequireShim();
        if (TrtSharp.TensorRT.TensorRtRuntime.UnavailableReason is { } reason)
        {
            Assert.Ignore("no CUDA device/TensorRT: " + reason);
        }
    }
}
