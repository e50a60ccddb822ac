using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Calibration;

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
internal sealed record DerivedActivation(string Name, string Source, float Lower, float Upper)
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
        var graph = new OnnxGraph(model.Graph, model.IrVersion);
        var graphOutputs = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        // Declared element types only: a source ONNX Runtime later finds not to be float32 is tapped instead (see ActivationCalibrator).
        var declared = model.Graph.Input.Concat(model.Graph.ValueInfo).Concat(model.Graph.Output)
            .Where(v => v.Type?.TensorType is { HasElemType: true })
            .GroupBy(v => v.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (TensorElementType)g.First().Type.TensorType.ElemType, StringComparer.Ordinal);
        var result = new List<DerivedActivation>();
        foreach (var node in graph.Nodes.Select(n => n.Proto))
        {
            if (!IsDefaultDomain(node) || node.Output.Count != 1 || graphOutputs.Contains(node.Output[0]))
            {
                continue;
            }
            var derived = node.OpType switch
            {
                "Relu" when node.Input.Count == 1 => new DerivedActivation(node.Output[0], node.Input[0], 0f, float.PositiveInfinity),
                "Max" or "Min" when node.Input.Count == 2 => FromBinary(graph, node),
                "Clip" => FromClip(graph, node),
                _ => null,
            };
            if (derived is not null && Constant(graph, derived.Source) is null
                && (!declared.TryGetValue(derived.Source, out var type) || type == TensorElementType.Float))
            {
                result.Add(derived);
            }
        }
        return result;
    }

    private static bool IsDefaultDomain(NodeProto node) => node.Domain.Length == 0 || node.Domain == "ai.onnx";

    // The value of an initializer (one a caller cannot override) or of a Constant node; null for a runtime tensor.
    private static TensorProto? Constant(OnnxGraph graph, string name)
    {
        if (graph.FindInitializer(name) is { } init)
        {
            return graph.OverridableInitializers.Any(o => o.Name == name) ? null : init.Proto;
        }
        return graph.GetProducer(name) is { OpType: "Constant" } producer && IsDefaultDomain(producer.Proto)
            ? producer.Attribute("value")?.Proto.T
            : null;
    }

    private static DerivedActivation? FromBinary(OnnxGraph graph, NodeProto node)
    {
        int constantSlot = Constant(graph, node.Input[1]) is not null ? 1 : Constant(graph, node.Input[0]) is not null ? 0 : -1;
        if (constantSlot < 0 || Scalar(graph, node.Input[constantSlot]) is not float c)
        {
            return null;
        }
        string source = node.Input[1 - constantSlot];
        return node.OpType == "Max"
            ? new DerivedActivation(node.Output[0], source, c, float.PositiveInfinity)
            : new DerivedActivation(node.Output[0], source, float.NegativeInfinity, c);
    }

    private static DerivedActivation? FromClip(OnnxGraph graph, NodeProto node)
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
            if (Scalar(graph, node.Input[slot]) is not float bound)
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

    private static float? Scalar(OnnxGraph graph, string name)
    {
        if (Constant(graph, name) is not { DataType: (int)TensorElementType.Float } constant
            || (constant.HasDataLocation && constant.DataLocation == TensorProto.Types.DataLocation.External))
        {
            return null;
        }
        // An infinite bound (Clip(x, 1e-10, +Inf) in openWakeWord's melspectrogram) is a valid one-sided clamp.
        return OnnxTensors.ToHostTensor(constant) is HostTensor<float> { ElementCount: 1 } t && !float.IsNaN(t.Data[0]) ? t.Data[0] : null;
    }
}
