namespace TrtSharp.Errors;

/// <summary>TensorRT ran out of host or device memory (e.g. building a large engine, creating a context).</summary>
public sealed class TensorRtOutOfMemoryException : TensorRtException
{
    /// <summary>Creates the exception.</summary>
    public TensorRtOutOfMemoryException(string message) : base(TensorRtStatus.OutOfMemory, message) { }
}
