namespace TrtSharp.TensorRT;

/// <summary>
/// What an execution context currently holds on behalf of its bindings: the optimization profile in use and the
/// binding whose shapes and addresses were set last. Several bindings share one context, so a binding must re-bind
/// (and re-capture any CUDA graph) when another one ran in between. Pure bookkeeping, no CUDA; guarded by the
/// context's gate.
/// </summary>
internal sealed class ContextBindingState
{
    /// <summary>The optimization profile the context runs with (0 until one is selected).</summary>
    public int ActiveProfile { get; private set; }

    /// <summary>The binding that set the context's shapes and addresses last, or null when unknown.</summary>
    public object? BoundBy { get; private set; }

    /// <summary>True when <paramref name="binding"/>'s shapes and addresses are the ones in the context now.</summary>
    public bool IsBoundTo(object binding) => ReferenceEquals(BoundBy, binding);

    /// <summary>Records that <paramref name="binding"/> has just set every shape and address.</summary>
    public void MarkBound(object binding) => BoundBy = binding;

    /// <summary>Someone changed shapes or addresses directly: no binding's state can be assumed any more.</summary>
    public void Invalidate() => BoundBy = null;

    /// <summary>A profile switch resets shapes: records it and forgets the bound binding.</summary>
    public void ProfileSelected(int profile)
    {
        ActiveProfile = profile;
        BoundBy = null;
    }
}
