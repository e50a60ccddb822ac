namespace TrtSharp.Errors;

/// <summary>
/// A call into TensorRT (through the native shim) failed; <see cref="Status"/> says how. The message names the
/// operation and carries TensorRT's own detail. Subtypes exist for the kinds a caller handles differently:
/// <see cref="TensorRtParseException"/>, <see cref="TensorRtUnsupportedException"/>,
/// <see cref="TensorRtOutOfMemoryException"/>.
/// </summary>
public class TensorRtException : TrtSharpException
{
    /// <summary>Creates the exception.</summary>
    public TensorRtException(TensorRtStatus status, string message) : base(message) => Status = status;

    /// <summary>How the call failed.</summary>
    public TensorRtStatus Status { get; }
}
