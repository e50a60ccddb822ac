using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>Owns one <c>trts_calibrator</c> (legacy INT8 calibrator).</summary>
internal sealed unsafe class CalibratorHandle : ShimHandle
{
    /// <summary>The raw pointer for calls into the shim (valid while this handle is alive).</summary>
    public TrtsCalibrator* Value => (TrtsCalibrator*)handle;

    /// <inheritdoc />
    protected override TrtsStatus Destroy(nint value) => TrtsNative.CalibratorDestroy((TrtsCalibrator*)value);
}
