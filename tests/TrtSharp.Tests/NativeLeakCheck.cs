using TrtSharp.Diagnostics;
using System.Collections.Concurrent;
using NUnit.Framework.Interfaces;
using TrtSharp.Interop;

[assembly: TrtSharp.Tests.NativeLeakCheck]

namespace TrtSharp.Tests;

/// <summary>
/// Fails any test after which a native object was found by the garbage collector instead of being disposed: shim
/// handles, CUDA resources, ONNX Runtime sessions and bindings, all counted by the one
/// <see cref="NativeLeakTracker"/>. Applied to every test of the assembly.
/// </summary>
/// <remarks>
/// Each test ends with a full collection and the finalizers run, so what a test abandoned is counted before the next
/// one starts (tests of this assembly run one at a time). Garbage a fixture's one-time set-up left behind is
/// blamed on the next test that ends, which still names a leak worth fixing. A test that leaks on purpose (the
/// tracker's own tests) carries <see cref="LeaksOnPurposeAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class NativeLeakCheckAttribute : Attribute, ITestAction
{
    private static readonly ConcurrentDictionary<string, long> Before = new();
    private static readonly ConcurrentQueue<string> Kinds = new();

    static NativeLeakCheckAttribute()
    {
        NativeLeakTracker.LeakDetected += Kinds.Enqueue;
    }

    /// <inheritdoc />
    public ActionTargets Targets => ActionTargets.Test;

    /// <inheritdoc />
    public void BeforeTest(ITest test) => Before[test.Id] = NativeLeakTracker.Count;

    /// <inheritdoc />
    public void AfterTest(ITest test)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long after = NativeLeakTracker.Count;
        if (!Before.TryRemove(test.Id, out long before) || test.Properties.ContainsKey(LeaksOnPurposeAttribute.Key))
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
            Assert.Fail($"{after - before} native object(s) were finalized without Dispose during (or just before) this test" +
                (kinds.Count > 0 ? $": {string.Join("; ", kinds)}" : ""));
        }
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
