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
        ["Dropout"] = [10, 12], ["BatchNormalization"] = [9], ["Scan"] = [9],
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

        if (original < 7)
        {
            // Before opset 7 element-wise ops used the legacy 'broadcast'/'axis' attributes and many ops had
            // 'consumed_inputs'; relabelling such a model would silently change its arithmetic.
            throw new QuantizationException(null,
                $"default-domain opset {original} predates multidirectional broadcasting (opset 7); re-export the model at opset 13 or later");
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

        import.Version = RequiredOpset;
        if (model.IrVersion < RequiredIrVersion)
        {
            // IR 7 still allows initializers listed as graph inputs, so older files stay valid as they are.
            model.IrVersion = RequiredIrVersion;
        }

        return original;
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
