namespace TrtSharp.Errors;

/// <summary>
/// A model a precision conversion (AutoCast to FP16/BF16) refuses: already reduced or quantized, or without any
/// float32 computation. The message names the node or tensor concerned.
/// </summary>
public sealed class PrecisionConversionException : TrtSharpException
{
    /// <summary>Creates the exception; <paramref name="node"/> names the node concerned when there is one.</summary>
    public PrecisionConversionException(string? node, string reason)
        : base(node is null ? reason : $"node '{node}': {reason}")
    {
        Node = node;
        Reason = reason;
    }

    /// <summary>The node concerned, when known.</summary>
    public string? Node { get; }

    /// <summary>Why, without the node name.</summary>
    public string Reason { get; }
}
