using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>Owns one <c>trts_runtime</c> (runtime).</summary>
internal sealed unsafe class RuntimeHandle : ShimHandle
{
    /// <summary>The raw pointer for calls into the shim (valid while this handle is alive).</summary>
    public TrtsRuntime* Value => (TrtsRuntime*)handle;

    /// <inheritdoc />
    protected override TrtsStatus Destroy(nint value) => TrtsNative.RuntimeDestroy((TrtsRuntime*)value);
}
