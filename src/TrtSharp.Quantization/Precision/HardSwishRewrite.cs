using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Rewrites hardswish spelled out as Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6) (how paddle2onnx exports it) into
/// Mul(x, HardSigmoid(x, alpha 1/6, beta 0.5)) for ONNX Runtime's CPU provider: the same function (up to float
/// rounding) in two float passes instead of four. ORT has no integer kernel for either form, so in a Q/DQ graph these
/// passes run in float between a DequantizeLinear and a QuantizeLinear; fewer of them is what the INT8 graph can save.
/// HardSigmoid (opset 6) is used rather than HardSwish (opset 14) so the model's opset need not change.
/// </summary>
internal static class HardSwishRewrite
{
    /// <summary>Rewrites in place and returns one decision per removed node.</summary>
    public static List<NodeDecision> Run(GraphProto graph, QdqOptions options)
    {
        var exclusions = new NodeFilter(options.ExcludeNodes, options.ExcludeOpTypes, "excluded");
        var index = new OnnxGraphIndex(graph);
        var decisions = new List<NodeDecision>();
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (var add in graph.Node.Where(n => n.OpType == "Add" && OnnxGraphIndex.IsDefaultDomain(n)).ToList())
        {
            if (Match(index, add) is not var (x, clip, mul, div) || new[] { add, clip, mul, div }.Any(n => exclusions.Matches(n.Name, n.OpType)))
            {
                continue;
            }

            var addName = Display(graph, add);
            var hardSigmoid = index.UniqueName(div.Output[0] + "_hardsigmoid");
            add.OpType = "HardSigmoid";
            add.Name = index.UniqueName(addName + "_hardsigmoid");
            add.Input.Clear();
            add.Input.Add(x);
            add.Output[0] = hardSigmoid;
            add.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 1f / 6f });
            add.Attribute.Add(new AttributeProto { Name = "beta", Type = AttributeProto.Types.AttributeType.Float, F = 0.5f });
            mul.Input.Clear();
            mul.Input.Add(x);
            mul.Input.Add(hardSigmoid);
            // The Mul takes over the Div's output, so consumers and the calibrated range of the result stay as they are.
            mul.Output[0] = div.Output[0];
            removed.Add(clip);
            removed.Add(div);
            var reason = $"hardswish Add(x, 3)→Clip(0, 6)→Mul(x)→Div(6) at '{addName}' rewritten as Mul(x, HardSigmoid(x, 1/6, 0.5)): two float passes instead of four";
            decisions.Add(new NodeDecision(addName, "Add", NodeStatus.Folded, reason));
            decisions.Add(new NodeDecision(Display(graph, clip), "Clip", NodeStatus.Folded, reason));
            decisions.Add(new NodeDecision(Display(graph, div), "Div", NodeStatus.Folded, reason));
        }

        if (removed.Count > 0)
        {
            var kept = graph.Node.Where(n => !removed.Contains(n)).ToList();
            graph.Node.Clear();
            graph.Node.AddRange(kept);
        }

        return decisions;
    }

    private static (string X, NodeProto Clip, NodeProto Mul, NodeProto Div)? Match(OnnxGraphIndex index, NodeProto add)
    {
        if (add.Input.Count != 2 || ScalarSlot(index, add, 3f) is not int threeSlot || Only(index, add.Output[0]) is not { OpType: "Clip" } clip
            || !OnnxGraphIndex.IsDefaultDomain(clip) || clip.Input.Count != 3 || clip.Input[0] != add.Output[0]
            || !IsScalar(index, clip.Input[1], 0f) || !IsScalar(index, clip.Input[2], 6f)
            || Only(index, clip.Output[0]) is not { OpType: "Mul" } mul || !OnnxGraphIndex.IsDefaultDomain(mul) || mul.Input.Count != 2
            || Only(index, mul.Output[0]) is not { OpType: "Div" } div || !OnnxGraphIndex.IsDefaultDomain(div) || div.Input.Count != 2
            || div.Input[0] != mul.Output[0] || !IsScalar(index, div.Input[1], 6f))
        {
            return null;
        }

        var x = add.Input[1 - threeSlot];
        var other = mul.Input[0] == clip.Output[0] ? mul.Input[1] : mul.Input[0];
        return other == x && index.ElementType(x) is null or (int)TensorElementType.Float ? (x, clip, mul, div) : null;
    }

    /// <summary>The single reader of <paramref name="tensor"/> when it is not also a graph output.</summary>
    private static NodeProto? Only(OnnxGraphIndex index, string tensor)
    {
        var consumers = index.Consumers(tensor);
        return consumers.Count == 1 && !index.GraphOutputs.Contains(tensor) ? consumers[0].Node : null;
    }

    private static int? ScalarSlot(OnnxGraphIndex index, NodeProto node, float value) =>
        IsScalar(index, node.Input[1], value) ? 1 : IsScalar(index, node.Input[0], value) ? 0 : null;

    private static bool IsScalar(OnnxGraphIndex index, string name, float value) =>
        !index.GraphInputs.Contains(name) && index.Constant(name) is { DataType: (int)TensorElementType.Float } t
        && OnnxTensors.ReadFiniteFloats(t) is [var v] && v == value;

    private static string Display(GraphProto graph, NodeProto node) =>
        node.Name.Length > 0 ? node.Name : $"{node.OpType}#{graph.Node.IndexOf(node)}";
}
