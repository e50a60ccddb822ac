using System.Collections.Concurrent;
using NUnit.Framework.Interfaces;
using TrtSharp.Cuda;
using TrtSharp.Interop.Handles;
using TrtSharp.OnnxRuntime;

[assembly: TrtSharp.Tests.NativeLeakCheck]

namespace TrtSharp.Tests;

/// <summary>
/// Fails any test after which a native handle was found by the garbage collector instead of being disposed: shim
/// handles (<c>ShimHandle.LeakCount</c>), CUDA resources (<see cref="CudaLeakTracker"/>) and ONNX Runtime sessions
/// and bindings (<see cref="OnnxRuntimeLeakTracker"/>). Applied to every test of the assembly.
/// </summary>
/// <remarks>
/// Each test ends with a full collection and the finalizers run, so what a test abandoned is counted before the next
/// one starts (tests of this assembly run one at a time). Garbage a fixture's one-time set-up left behind is
/// blamed on the next test that ends, which still names a leak worth fixing. A test that leaks on purpose (the
/// trackers' own tests) carries <see cref="LeaksOnPurposeAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class NativeLeakCheckAttribute : Attribute, ITestAction
{
    private static readonly ConcurrentDictionary<string, Counts> Before = new();
    private static readonly ConcurrentQueue<string> Kinds = new();

    static NativeLeakCheckAttribute()
    {
        CudaLeakTracker.LeakDetected += Kinds.Enqueue;
        OnnxRuntimeLeakTracker.LeakDetected += Kinds.Enqueue;
    }

    /// <inheritdoc />
    public ActionTargets Targets => ActionTargets.Test;

    /// <inheritdoc />
    public void BeforeTest(ITest test) => Before[test.Id] = Counts.Now();

    /// <inheritdoc />
    public void AfterTest(ITest test)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Counts after = Counts.Now();
        if (!Before.TryRemove(test.Id, out Counts before) || test.Properties.ContainsKey(LeaksOnPurposeAttribute.Key))
        {
            Kinds.Clear();
            return;
        }
        var kinds = new List<string>();
        while (Kinds.TryDequeue(out string? kind))
        {
            kinds.Add(kind);
        }
        if (after != before)
        {
            Assert.Fail($"native handles were finalized without Dispose during (or just before) this test: " +
                $"shim {after.Shim - before.Shim}, CUDA {after.Cuda - before.Cuda}, ONNX Runtime {after.Ort - before.Ort}" +
                (kinds.Count > 0 ? $" [{string.Join("; ", kinds)}]" : ""));
        }
    }

    private readonly record struct Counts(long Shim, long Cuda, long Ort)
    {
        public static Counts Now() => new(ShimHandle.LeakCount, CudaLeakTracker.Count, OnnxRuntimeLeakTracker.Count);
    }
}

/// <summary>Exempts a test that abandons a native handle on purpose from <see cref="NativeLeakCheckAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class LeaksOnPurposeAttribute : PropertyAttribute
{
    /// <summary>The test property that marks it.</summary>
    public const string Key = "LeaksOnPurpose";

    /// <summary>Marks the test.</summary>
    public LeaksOnPurposeAttribute() : base(Key, "true") { }
}
