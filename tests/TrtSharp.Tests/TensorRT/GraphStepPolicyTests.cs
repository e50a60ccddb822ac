using TrtSharp.TensorRT;

namespace TrtSharp.Tests.TensorRT;

/// <summary>When a binding may replay its CUDA graph, and what the context's binding bookkeeping records.</summary>
[TestFixture]
public class GraphStepPolicyTests
{
    [Test]
    public void WithoutGraphUseEveryRunIsAPlainEnqueue()
    {
        // UseCudaGraph off must never replay a graph captured earlier.
        Assert.That(GraphStepPolicy.Next(useGraph: false, graphAllowed: true, hasGraph: true, captureFailed: false, boundToThis: true),
            Is.EqualTo(GraphStep.Enqueue));
    }

    [Test]
    public void OneOffBindingsNeverCapture()
    {
        // TensorRtContext.Run makes a binding per call: a graph it captures would never be replayed.
        Assert.That(GraphStepPolicy.Next(useGraph: true, graphAllowed: false, hasGraph: false, captureFailed: false, boundToThis: false),
            Is.EqualTo(GraphStep.Enqueue));
    }

    [Test]
    public void FirstRunEnqueuesThenCaptures()
    {
        Assert.That(GraphStepPolicy.Next(useGraph: true, graphAllowed: true, hasGraph: false, captureFailed: false, boundToThis: false),
            Is.EqualTo(GraphStep.EnqueueAndCapture));
    }

    [Test]
    public void ReplaysOnlyWhileTheContextStillHoldsThisBinding()
    {
        Assert.Multiple(() =>
        {
            Assert.That(GraphStepPolicy.Next(true, true, hasGraph: true, captureFailed: false, boundToThis: true), Is.EqualTo(GraphStep.Replay));
            Assert.That(GraphStepPolicy.Next(true, true, hasGraph: true, captureFailed: false, boundToThis: false), Is.EqualTo(GraphStep.EnqueueAndCapture));
        });
    }

    [Test]
    public void AFailedCaptureIsNotRetried()
    {
        Assert.That(GraphStepPolicy.Next(useGraph: true, graphAllowed: true, hasGraph: false, captureFailed: true, boundToThis: true),
            Is.EqualTo(GraphStep.Enqueue));
    }

    [Test]
    public void AnotherBindingOrADirectChangeUnbinds()
    {
        var state = new ContextBindingState();
        object a = new(), b = new();
        state.MarkBound(a);
        Assert.That(state.IsBoundTo(a), Is.True);
        state.MarkBound(b);
        Assert.That(state.IsBoundTo(a), Is.False, "binding b ran in between");
        Assert.That(state.IsBoundTo(b), Is.True);
        state.Invalidate();
        Assert.That(state.IsBoundTo(b), Is.False, "a direct SetInputShape/SetTensorAddress");
    }

    [Test]
    public void AProfileSwitchIsRecordedAndUnbinds()
    {
        var state = new ContextBindingState();
        object a = new();
        Assert.That(state.ActiveProfile, Is.Zero);
        state.MarkBound(a);
        state.ProfileSelected(2);
        Assert.Multiple(() =>
        {
            Assert.That(state.ActiveProfile, Is.EqualTo(2));
            Assert.That(state.IsBoundTo(a), Is.False);
        });
    }
}
