using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>Owns one <c>trts_blob</c> (blob).</summary>
internal sealed unsafe class BlobHandle : ShimHandle
{
    /// <summary>The raw pointer for calls into the shim (valid while this handle is alive).</summary>
    public TrtsBlob* Value => (TrtsBlob*)handle;

    /// <inheritdoc />
    protected override TrtsStatus Destroy(nint value) => TrtsNative.BlobDestroy((TrtsBlob*)value);
}
