namespace TrtSharp.Errors;

/// <summary>
/// A quantization request that cannot be honoured: a tensor without a calibrated range, a range that is
/// not finite, a model that is already quantized or whose operators cannot be moved to the opset Q/DQ needs.
/// </summary>
public sealed class QuantizationException : TrtSharpException
{
    /// <summary>Creates the exception; <paramref name="tensorName"/> names the tensor concerned when there is one.</summary>
    public QuantizationException(string? tensorName, string reason)
        : base(tensorName is null ? reason : $"tensor '{tensorName}': {reason}")
    {
        TensorName = tensorName;
        Reason = reason;
    }

    /// <summary>The tensor concerned, when known.</summary>
    public string? TensorName { get; }

    /// <summary>Why quantization was refused, without the tensor name.</summary>
    public string Reason { get; }
}
