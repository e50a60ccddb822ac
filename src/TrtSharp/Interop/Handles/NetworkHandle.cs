using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>Owns one <c>trts_network</c> (network).</summary>
internal sealed unsafe class NetworkHandle : ShimHandle
{
    /// <summary>The raw pointer for calls into the shim (valid while this handle is alive).</summary>
    public TrtsNetwork* Value => (TrtsNetwork*)handle;

    /// <inheritdoc />
    protected override TrtsStatus Destroy(nint value) => TrtsNative.NetworkDestroy((TrtsNetwork*)value);
}
