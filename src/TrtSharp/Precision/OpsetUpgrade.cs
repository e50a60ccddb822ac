using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Precision;

/// <summary>
/// Raises the default-domain opset to the one per-channel QuantizeLinear/DequantizeLinear need (13) by changing the
/// opset import only — which is sound only when none of the model's operators changed meaning in between, so those
/// are checked against the operator changelog and refused by name.
/// </summary>
internal static class OpsetUpgrade
{
    /// <summary>Opset where DequantizeLinear/QuantizeLinear gained the <c>axis</c> attribute (per-channel).</summary>
    public const long RequiredOpset = 13;

    /// <summary>IR version released with opset 13 (ONNX 1.8).</summary>
    private const long RequiredIrVersion = 7;

    // Opset versions (≤ 13) at which an operator's inputs, attributes or results changed incompatibly (ONNX
    // Changelog.md): attributes turned into inputs, axis semantics changed, behaviour replaced. An op is refused
    // when one of its versions lies in (model opset, 13].
    private static readonly Dictionary<string, long[]> BreakingVersions = new(StringComparer.Ordinal)
    {
        ["Softmax"] = [13], ["LogSoftmax"] = [13], ["Hardmax"] = [13],
        ["Split"] = [13], ["Squeeze"] = [13], ["Unsqueeze"] = [13], ["ReduceSum"] = [13],
        ["Pad"] = [11], ["Clip"] = [11], ["Resize"] = [11], ["Scatter"] = [11],
        ["Slice"] = [10], ["TopK"] = [10], ["Upsample"] = [9, 10],
        ["Dropout"] = [7, 10, 12], ["Scan"] = [9], ["RNN"] = [7], ["GRU"] = [7], ["LSTM"] = [7],
        ["Tile"] = [6], ["Cast"] = [6], ["Reshape"] = [5], ["Concat"] = [4],
    };

    /// <summary>Upgrades <paramref name="model"/> in place; returns the original default-domain opset.</summary>
    public static long Ensure(ModelProto model)
    {
        var import = model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx");
        if (import is null)
        {
            throw new QuantizationException(null, "the model imports no default-domain (ai.onnx) opset");
        }

        var original = import.Version;
        if (original >= RequiredOpset)
        {
            return original;
        }

        if (original < 6)
        {
            // Before opset 6 many ops carried 'consumed_inputs' and other in-place semantics; relabelling such a
            // model would silently change it.
            throw new QuantizationException(null,
                $"default-domain opset {original} predates opset 6; re-export the model at opset {RequiredOpset} or later");
        }

        foreach (var op in OpTypes(model.Graph).Distinct())
        {
            var changedAt = BreakingVersions.TryGetValue(op, out var versions)
                ? versions.FirstOrDefault(v => v > original && v <= RequiredOpset)
                : 0;
            if (changedAt > 0)
            {
                throw new QuantizationException(null,
                    $"Q/DQ needs opset {RequiredOpset} but the model is opset {original} and uses {op}, whose definition changed at opset {changedAt}; re-export the model at opset {RequiredOpset} or later");
            }
        }

        if (original < 9)
        {
            RewriteLegacyAttributes(model.Graph, original);
        }

        import.Version = RequiredOpset;
        if (model.IrVersion < RequiredIrVersion)
        {
            // IR 7 still allows initializers listed as graph inputs, so older files stay valid as they are.
            model.IrVersion = RequiredIrVersion;
        }

        return original;
    }

    // Ops that had the legacy 'broadcast'/'axis' attributes before opset 7 (multidirectional broadcasting since).
    private static readonly HashSet<string> LegacyBroadcastOps =
        ["Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less", "PRelu", "Gemm"];

    /// <summary>
    /// Opset 6–8 attributes that later opsets dropped, removed where the old and new meanings agree: 'broadcast'
    /// without 'axis' (trailing-aligned broadcasting, which numpy-style broadcasting reproduces) and
    /// BatchNormalization's 'is_test' = 1 / 'spatial' = 1 (the only behaviour of later opsets). Anything else is refused.
    /// </summary>
    private static void RewriteLegacyAttributes(GraphProto graph, long original)
    {
        foreach (var node in AllGraphs(graph).SelectMany(g => g.Node).Where(GraphIndex.IsDefaultDomain))
        {
            if (original < 7 && LegacyBroadcastOps.Contains(node.OpType))
            {
                if (node.OpType != "Gemm" && node.Attribute.Any(a => a.Name == "axis"))
                {
                    throw new QuantizationException(null,
                        $"node '{node.Name}' ({node.OpType}) uses opset-{original} axis broadcasting, which opset {RequiredOpset} cannot express; re-export the model at opset {RequiredOpset} or later");
                }

                RemoveAttribute(node, "broadcast");
            }

            if (node.OpType == "BatchNormalization")
            {
                foreach (var name in new[] { "is_test", "spatial" })
                {
                    if (node.Attribute.FirstOrDefault(a => a.Name == name) is { } attr && (name != "is_test" || original < 7))
                    {
                        if (attr.I != 1)
                        {
                            throw new QuantizationException(null,
                                $"node '{node.Name}' (BatchNormalization) has {name} = {attr.I}, which opset {RequiredOpset} cannot express; re-export the model at opset {RequiredOpset} or later");
                        }

                        RemoveAttribute(node, name);
                    }
                }
            }
        }
    }

    private static IEnumerable<GraphProto> AllGraphs(GraphProto graph)
    {
        yield return graph;
        foreach (var attr in graph.Node.SelectMany(n => n.Attribute))
        {
            var subgraphs = attr.G is null ? attr.Graphs : attr.Graphs.Append(attr.G);
            foreach (var sub in subgraphs.SelectMany(AllGraphs))
            {
                yield return sub;
            }
        }
    }

    private static void RemoveAttribute(NodeProto node, string name)
    {
        for (var i = node.Attribute.Count - 1; i >= 0; i--)
        {
            if (node.Attribute[i].Name == name)
            {
                node.Attribute.RemoveAt(i);
            }
        }
    }

    private static IEnumerable<string> OpTypes(GraphProto graph)
    {
        foreach (var node in graph.Node)
        {
            if (GraphIndex.IsDefaultDomain(node))
            {
                yield return node.OpType;
            }

            foreach (var attr in node.Attribute)
            {
                var subgraphs = attr.G is null ? attr.Graphs : attr.Graphs.Append(attr.G);
                foreach (var op in subgraphs.SelectMany(OpTypes))
                {
                    yield return op;
                }
            }
        }
    }
}
