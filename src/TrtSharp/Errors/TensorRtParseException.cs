namespace TrtSharp.Errors;

/// <summary>TensorRT's ONNX parser rejected a model; <see cref="Errors"/> lists each node that failed and why.</summary>
public sealed class TensorRtParseException : TensorRtException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with the parser's errors.</summary>
    public TensorRtParseException(string filePath, IReadOnlyList<TensorRtParserError> errors)
        : base(TensorRtStatus.Parse, $"{filePath}: TensorRT's ONNX parser failed: " + (errors.Count == 0 ? "no detail reported" : string.Join("; ", errors)))
    {
        FilePath = filePath;
        Errors = errors;
    }

    /// <summary>The model that failed to parse.</summary>
    public string FilePath { get; }

    /// <summary>The parser's errors, in order.</summary>
    public IReadOnlyList<TensorRtParserError> Errors { get; }
}
