namespace TrtSharp.Errors;

/// <summary>A tensor whose shape or element type does not match what a model or operation expects.</summary>
public sealed class TensorShapeException : TrtSharpException
{
    /// <summary>Creates the exception for tensor <paramref name="tensorName"/>.</summary>
    public TensorShapeException(string? tensorName, string reason)
        : base(tensorName is null ? reason : $"tensor '{tensorName}': {reason}")
    {
        TensorName = tensorName;
    }

    /// <summary>The tensor concerned, when known.</summary>
    public string? TensorName { get; }
}
