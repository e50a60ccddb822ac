namespace TrtSharp.Errors;

/// <summary>Base of every error TrtSharp raises on purpose; the message is one readable sentence.</summary>
public class TrtSharpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrtSharpException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public TrtSharpException(string message, Exception? innerException) : base(message, innerException) { }
}
