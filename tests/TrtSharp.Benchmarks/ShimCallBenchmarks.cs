using BenchmarkDotNet.Attributes;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Benchmarks;

/// <summary>
/// Cost of one call into the native shim (core-only build is enough): target at most 50 ns and 0 B allocated.
/// Build the shim first: cmake -S . -B build/native &amp;&amp; cmake --build build/native.
/// </summary>
[MemoryDiagnoser]
public unsafe class ShimCallBenchmarks
{
    private TrtsBuildInfo info;

    [GlobalSetup]
    public void Setup()
    {
        NativeLibraryResolver.Register();
        NativeLibraryResolver.Load();
        fixed (TrtsBuildInfo* p = &info)
        {
            NativeStatus.Check(TrtsNative.BuildInfoInit(p), "trts_build_info_init");
        }
    }

    /// <summary>An empty export: pure transition cost.</summary>
    [Benchmark(Baseline = true)]
    public int Noop() => (int)TrtsNative.Noop();

    /// <summary>A typical small call with an out-struct, argument validation and the try/catch guard.</summary>
    [Benchmark]
    public int GetBuildInfo()
    {
        fixed (TrtsBuildInfo* p = &info)
        {
            return (int)TrtsNative.GetBuildInfo(p);
        }
    }
}
