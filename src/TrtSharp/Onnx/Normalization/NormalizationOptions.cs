namespace TrtSharp.Onnx.Normalization;

/// <summary>What <see cref="ModelNormalizer"/> does to a model.</summary>
public sealed record NormalizationOptions
{
    /// <summary>
    /// The lowest default-domain opset the model leaves with: older models are converted to it (13 by default, the
    /// first with per-channel QuantizeLinear/DequantizeLinear). Newer models keep their opset.
    /// </summary>
    public long MinimumOpset { get; init; } = OpsetConverter.DefaultTargetOpset;

    /// <summary>Evaluate nodes whose inputs are all constants (and shapes ONNX Runtime knows statically) and store the results as initializers.</summary>
    public bool FoldConstants { get; init; } = true;

    /// <summary>
    /// A folded result is kept only if it is at most this many bytes or no larger than four times its constant
    /// inputs together, so that e.g. an Expand of a scalar to a feature map stays a node instead of bloating the file.
    /// </summary>
    public long MaxFoldedTensorBytes { get; init; } = 1 << 20;

    /// <summary>Ask ONNX Runtime for every tensor's element type and shape (<see cref="NormalizationReport.TensorShapes"/>).</summary>
    public bool InferShapes { get; init; } = true;
}
