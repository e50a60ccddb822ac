namespace TrtSharp.Errors;

/// <summary>
/// ONNX Runtime failed while running a model (its own <c>OnnxRuntimeException</c> is the inner exception). Raised at
/// the session boundary so callers never need ONNX Runtime's types to handle a failed run; a model ONNX Runtime
/// cannot load is a <see cref="ModelFormatException"/> instead.
/// </summary>
public sealed class OnnxRuntimeFailureException : TrtSharpException
{
    /// <summary>Creates the exception for a run of <paramref name="modelPath"/> (null: a model given as bytes).</summary>
    public OnnxRuntimeFailureException(string? modelPath, string message, Exception innerException)
        : base(message, innerException) => ModelPath = modelPath;

    /// <summary>The model that was running, when it came from a file.</summary>
    public string? ModelPath { get; }
}
