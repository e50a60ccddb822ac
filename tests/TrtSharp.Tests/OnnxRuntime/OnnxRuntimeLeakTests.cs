using System.Runtime.CompilerServices;
using TrtSharp.OnnxRuntime;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>Sessions and bindings found by the garbage collector are reported; disposed ones never are.</summary>
[TestFixture]
public class OnnxRuntimeLeakTests
{
    [Test]
    [LeaksOnPurpose]
    public void AnAbandonedSessionAndItsBindingAreReported()
    {
        var seen = new List<string>();
        void OnLeak(string what)
        {
            lock (seen)
            {
                seen.Add(what);
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = TrtSharp.Diagnostics.NativeLeakTracker.Count;
        TrtSharp.Diagnostics.NativeLeakTracker.LeakDetected += OnLeak;
        try
        {
            Abandon();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TrtSharp.Diagnostics.NativeLeakTracker.LeakDetected -= OnLeak;
        }
        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(before + 2));
        lock (seen)
        {
            Assert.That(seen, Has.Some.StartsWith("OnnxRuntimeSession").And.Some.StartsWith("OnnxRuntimeBinding"));
        }
    }

    [Test]
    public void DisposedSessionsAndBindingsAreNotLeaks()
    {
        long before = TrtSharp.Diagnostics.NativeLeakTracker.Count;
        DisposeBoth();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(before));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon()
    {
        var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        _ = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] });
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DisposeBoth()
    {
        var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        // The binding is released by the session's Dispose: that is not a leak either.
        _ = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] });
        session.Dispose();
    }
}
