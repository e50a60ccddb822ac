using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// The element type and shape ONNX Runtime inferred for a tensor. <see cref="Dimensions"/> holds -1 for a dimension
/// only known at run time; an empty array is a scalar or a tensor whose rank could not be inferred (ONNX Runtime
/// reports both the same way), so <see cref="Rank"/> is only trusted above zero.
/// </summary>
public sealed record TensorShapeInfo(TensorElementType ElementType, long[] Dimensions)
{
    /// <summary>The number of dimensions.</summary>
    public int Rank => Dimensions.Length;

    /// <summary>True when every dimension is known and the rank is at least one.</summary>
    public bool IsStatic => Dimensions.Length > 0 && Dimensions.All(d => d >= 0);

    /// <inheritdoc/>
    public override string ToString() => $"{TensorElementTypeInfo.Name(ElementType)}[{string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
