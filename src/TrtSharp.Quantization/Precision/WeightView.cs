using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// A layer weight that is a constant seen through layout ops (Identity, Transpose, Reshape, Flatten, Squeeze,
/// Unsqueeze), as exporters write it when normalization has not folded them: the stored tensor, the op that reads it
/// and the per-channel axis mapped back onto the stored tensor's layout (null when the mapping is not one axis to one).
/// </summary>
internal sealed record WeightView(string Source, TensorProto Constant, NodeProto FirstOp, int? Axis, string Path)
{
    private const int MaxDepth = 4;

    /// <summary>
    /// The view behind <paramref name="tensor"/>, or null when it is not a float constant seen through layout ops.
    /// <paramref name="axis"/> is the per-channel axis in the layer's view of the weight; <paramref name="rank2Only"/>
    /// drops per-channel when the stored tensor is not 2-D (MatMul/Gemm weights).
    /// </summary>
    public static WeightView? Find(string tensor, OnnxGraphIndex index, int? axis, bool rank2Only)
    {
        var ops = new List<string>();
        var current = tensor;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            if (index.Producer(current) is not { } producer || !OnnxGraphIndex.IsDefaultDomain(producer)
                || producer.OpType is not ("Identity" or "Transpose" or "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze")
                || producer.Input.Skip(1).Any(i => i.Length > 0 && !index.IsConstant(i)))
            {
                return null;
            }

            ops.Add(producer.OpType);
            axis = producer.OpType switch
            {
                "Identity" => axis,
                // output axis a holds input axis perm[a]; no perm means reversed axes.
                "Transpose" when axis is int a => Perm(producer) is { } perm ? (a < perm.Length ? (int)perm[a] : null) : null,
                _ => null,
            };
            current = producer.Input[0];
            if (index.Constant(current) is { } constant)
            {
                if (constant.DataType != (int)TensorElementType.Float)
                {
                    return null;
                }

                var rank = constant.Dims.Count;
                if (axis is int ax && (ax >= rank || (rank2Only && rank != 2)))
                {
                    axis = null;
                }

                ops.Reverse();
                return new WeightView(current, constant, producer, axis, string.Join("→", ops));
            }
        }

        return null;
    }

    private static long[]? Perm(NodeProto transpose) =>
        transpose.Attribute.FirstOrDefault(a => a.Name == "perm") is { } attr ? [.. attr.Ints] : null;
}
