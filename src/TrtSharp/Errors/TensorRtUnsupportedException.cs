namespace TrtSharp.Errors;

/// <summary>
/// A TensorRT feature that the TensorRT version in use does not have, e.g. precision flags or the legacy INT8
/// calibrator on TensorRT 11 (which is strongly typed: quantize with Q/DQ nodes via <c>trtsharp quantize</c> instead).
/// </summary>
public sealed class TensorRtUnsupportedException : TensorRtException
{
    /// <summary>Creates the exception.</summary>
    public TensorRtUnsupportedException(string message) : base(TensorRtStatus.Unsupported, message) { }
}
