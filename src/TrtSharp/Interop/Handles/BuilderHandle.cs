using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>Owns one <c>trts_builder</c> (builder).</summary>
internal sealed unsafe class BuilderHandle : ShimHandle
{
    /// <summary>The raw pointer for calls into the shim (valid while this handle is alive).</summary>
    public TrtsBuilder* Value => (TrtsBuilder*)handle;

    /// <inheritdoc />
    protected override TrtsStatus Destroy(nint value) => TrtsNative.BuilderDestroy((TrtsBuilder*)value);
}
