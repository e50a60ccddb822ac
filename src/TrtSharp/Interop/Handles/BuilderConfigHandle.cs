using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>Owns one <c>trts_builder_config</c> (builder config).</summary>
internal sealed unsafe class BuilderConfigHandle : ShimHandle
{
    /// <summary>The raw pointer for calls into the shim (valid while this handle is alive).</summary>
    public TrtsBuilderConfig* Value => (TrtsBuilderConfig*)handle;

    /// <inheritdoc />
    protected override TrtsStatus Destroy(nint value) => TrtsNative.BuilderConfigDestroy((TrtsBuilderConfig*)value);
}
