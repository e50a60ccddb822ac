namespace TrtSharp.TensorRT;

/// <summary>How one binding run reaches TensorRT.</summary>
internal enum GraphStep
{
    /// <summary>Bind and enqueue; no graph.</summary>
    Enqueue,

    /// <summary>Bind, enqueue (this run's results), then capture the enqueue into a new graph for later runs.</summary>
    EnqueueAndCapture,

    /// <summary>Replay the captured graph.</summary>
    Replay,
}

/// <summary>Chooses a binding's <see cref="GraphStep"/>: the rules for when a captured CUDA graph is still valid.</summary>
internal static class GraphStepPolicy
{
    /// <param name="useGraph">The context's <c>UseCudaGraph</c>.</param>
    /// <param name="graphAllowed">False for one-off bindings (e.g. <c>TensorRtContext.Run</c>), which would never replay.</param>
    /// <param name="hasGraph">The binding holds a captured graph.</param>
    /// <param name="captureFailed">Capture failed before for this binding (it stays on plain enqueues).</param>
    /// <param name="boundToThis">The context still holds this binding's shapes, addresses and profile.</param>
    public static GraphStep Next(bool useGraph, bool graphAllowed, bool hasGraph, bool captureFailed, bool boundToThis)
    {
        if (!useGraph || !graphAllowed || captureFailed)
        {
            return GraphStep.Enqueue;
        }
        // A graph replays the context's internal work as captured; once another binding has run on the context (other
        // shapes, addresses or profile), that work is stale and must be captured again after re-binding.
        return hasGraph && boundToThis ? GraphStep.Replay : GraphStep.EnqueueAndCapture;
    }
}
