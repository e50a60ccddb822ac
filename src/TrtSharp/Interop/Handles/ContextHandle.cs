using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>Owns one <c>trts_context</c> (execution context).</summary>
internal sealed unsafe class ContextHandle : ShimHandle
{
    /// <summary>The raw pointer for calls into the shim (valid while this handle is alive).</summary>
    public TrtsContext* Value => (TrtsContext*)handle;

    /// <inheritdoc />
    protected override TrtsStatus Destroy(nint value) => TrtsNative.ContextDestroy((TrtsContext*)value);
}
