namespace TrtSharp.Errors;

/// <summary>A model, plan, tensor or cache file that cannot be read: corrupt, truncated, foreign or missing.</summary>
public sealed class ModelFormatException : TrtSharpException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public ModelFormatException(string? filePath, string reason, Exception? innerException = null)
        : base(filePath is null ? reason : $"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file concerned, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>Why the file was refused, without the path.</summary>
    public string Reason { get; }
}
