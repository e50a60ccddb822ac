using TrtSharp.Onnx.Protobuf;
using TrtSharp.Precision;

namespace TrtSharp.Calibration;

/// <summary>
/// An activation whose values are an exact function of another tapped tensor: <c>min(max(source, Lower), Upper)</c>
/// (ONNX Max/Min with a constant scalar, Relu, Clip with constant bounds). Max and min are exact in float32, so
/// computing it on the histogram worker gives the same statistics as tapping it, without ONNX Runtime writing one
/// more full-size output per batch.
/// </summary>
/// <param name="Name">The derived tensor.</param>
/// <param name="Source">The tensor it is computed from.</param>
/// <param name="Lower">Lower clamp (−∞ when none).</param>
/// <param name="Upper">Upper clamp (+∞ when none).</param>
public sealed record DerivedActivation(string Name, string Source, float Lower, float Upper)
{
    /// <summary>Writes <c>min(max(source, Lower), Upper)</c> into <paramref name="destination"/>.</summary>
    public void Compute(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (float.IsNegativeInfinity(Lower))
        {
            System.Numerics.Tensors.TensorPrimitives.Min(source, Upper, destination);
            return;
        }
        System.Numerics.Tensors.TensorPrimitives.Max(source, Lower, destination);
        if (!float.IsPositiveInfinity(Upper))
        {
            System.Numerics.Tensors.TensorPrimitives.Min(destination, Upper, destination);
        }
    }

    /// <summary>
    /// The derivable activations of <paramref name="model"/>'s main graph: outputs of default-domain Max/Min (one
    /// constant scalar operand), Relu and Clip (constant bounds) whose data input is a float32 tensor, that are not graph
    /// outputs (those are computed by ONNX Runtime anyway).
    /// </summary>
    public static IReadOnlyList<DerivedActivation> Find(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var index = new GraphIndex(model.Graph);
        var result = new List<DerivedActivation>();
        foreach (var node in model.Graph.Node)
        {
            if (!GraphIndex.IsDefaultDomain(node) || node.Output.Count != 1 || index.GraphOutputs.Contains(node.Output[0]))
            {
                continue;
            }
            var derived = node.OpType switch
            {
                "Relu" when node.Input.Count == 1 => new DerivedActivation(node.Output[0], node.Input[0], 0f, float.PositiveInfinity),
                "Max" or "Min" when node.Input.Count == 2 => FromBinary(index, node),
                "Clip" => FromClip(index, node),
                _ => null,
            };
            if (derived is not null && !index.IsConstant(derived.Source) && index.ElementType(derived.Source) is null or TensorData.FloatType)
            {
                result.Add(derived);
            }
        }
        return result;
    }

    private static DerivedActivation? FromBinary(GraphIndex index, NodeProto node)
    {
        int constantSlot = index.IsConstant(node.Input[1]) ? 1 : index.IsConstant(node.Input[0]) ? 0 : -1;
        if (constantSlot < 0 || Scalar(index, node.Input[constantSlot]) is not float c)
        {
            return null;
        }
        string source = node.Input[1 - constantSlot];
        return node.OpType == "Max"
            ? new DerivedActivation(node.Output[0], source, c, float.PositiveInfinity)
            : new DerivedActivation(node.Output[0], source, float.NegativeInfinity, c);
    }

    private static DerivedActivation? FromClip(GraphIndex index, NodeProto node)
    {
        float lower = float.NegativeInfinity, upper = float.PositiveInfinity;
        // Opset < 11 keeps the bounds in attributes, later opsets in optional inputs.
        foreach (var attr in node.Attribute)
        {
            if (attr.Name == "min")
            {
                lower = attr.F;
            }
            else if (attr.Name == "max")
            {
                upper = attr.F;
            }
        }
        for (int slot = 1; slot < node.Input.Count && slot <= 2; slot++)
        {
            if (node.Input[slot].Length == 0)
            {
                continue;
            }
            if (Scalar(index, node.Input[slot]) is not float bound)
            {
                return null;
            }
            if (slot == 1)
            {
                lower = bound;
            }
            else
            {
                upper = bound;
            }
        }
        return node.Input.Count == 0 || lower > upper ? null : new DerivedActivation(node.Output[0], node.Input[0], lower, upper);
    }

    private static float? Scalar(GraphIndex index, string name)
    {
        if (index.Constant(name) is not { DataType: TensorData.FloatType } constant
            || (constant.HasDataLocation && constant.DataLocation == TensorProto.Types.DataLocation.External))
        {
            return null;
        }
        // An infinite bound (Clip(x, 1e-10, +Inf) in openWakeWord's melspectrogram) is a valid one-sided clamp.
        var values = TensorData.ReadFloats(constant, finiteOnly: false);
        return values.Length == 1 && !float.IsNaN(values[0]) ? values[0] : null;
    }
}
