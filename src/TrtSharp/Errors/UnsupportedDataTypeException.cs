namespace TrtSharp.Errors;

/// <summary>An element type that an operation or file format cannot handle.</summary>
public sealed class UnsupportedDataTypeException : TrtSharpException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedDataTypeException(string message) : base(message) { }
}
