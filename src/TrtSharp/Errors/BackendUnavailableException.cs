namespace TrtSharp.Errors;

/// <summary>An inference backend or execution provider whose native library is missing or cannot run here.</summary>
public class BackendUnavailableException : TrtSharpException
{
    /// <summary>Creates the exception.</summary>
    public BackendUnavailableException(string message, Exception? innerException = null) : base(message, innerException) { }
}
