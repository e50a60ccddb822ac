using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// Replaces <c>Shape</c> and <c>Size</c> of tensors whose shape ONNX Runtime inferred statically, and
/// <c>Gather</c>s of shape dimensions that are static even when others are not (the
/// Shape → Gather → Unsqueeze → Concat → Reshape chains exporters write), by constants.
/// </summary>
internal static class ShapeFolding
{
    /// <summary>Resolves what it can; returns the number of nodes replaced.</summary>
    public static int Run(OnnxModel owner, ModelProto model, IReadOnlyDictionary<string, TensorShapeInfo> shapes)
    {
        var graph = model.Graph;
        var graphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var shapeNodes = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        int resolved = 0;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (!NodeAttributes.IsDefaultDomain(node) || node.Output.Count != 1 || graphOutputs.Contains(node.Output[0]))
            {
                continue;
            }
            TensorProto? value = node.OpType switch
            {
                "Shape" when Dims(node, shapes) is { } dims && dims.All(d => d >= 0) => ConstantTensors.Int64("", dims),
                "Size" when shapes.TryGetValue(node.Input[0], out var s) && s.IsStatic => ConstantTensors.Int64("", [s.Dimensions.Aggregate(1L, (a, d) => a * d)], scalar: true),
                "Gather" => GatheredDims(owner, node, graph, shapeNodes, shapes),
                _ => null,
            };
            if (node.OpType == "Shape")
            {
                shapeNodes[node.Output[0]] = node;
            }
            if (value is null)
            {
                continue;
            }
            value.Name = node.Output[0];
            graph.Initializer.Add(value);
            graph.Node.RemoveAt(i--);
            resolved++;
        }
        return resolved;
    }

    // The dimensions a Shape node returns (its start/end attributes applied), -1 where unknown; null when the rank is.
    private static long[]? Dims(NodeProto shapeNode, IReadOnlyDictionary<string, TensorShapeInfo> shapes)
    {
        if (!shapes.TryGetValue(shapeNode.Input[0], out var info) || info.Rank == 0)
        {
            return null;
        }
        long rank = info.Rank;
        long start = NodeAttributes.Int(shapeNode, "start") ?? 0;
        long end = NodeAttributes.Int(shapeNode, "end") ?? rank;
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        return end <= start ? [] : info.Dimensions[(int)start..(int)end];
    }

    private static TensorProto? GatheredDims(OnnxModel owner, NodeProto gather, GraphProto graph, Dictionary<string, NodeProto> shapeNodes,
        IReadOnlyDictionary<string, TensorShapeInfo> shapes)
    {
        if ((NodeAttributes.Int(gather, "axis") ?? 0) != 0 || gather.Input.Count != 2
            || !shapeNodes.TryGetValue(gather.Input[0], out var shapeNode) || Dims(shapeNode, shapes) is not { } dims
            || graph.Initializer.FirstOrDefault(t => t.Name == gather.Input[1]) is not { } indicesProto
            || graph.Input.Any(i => i.Name == indicesProto.Name))
        {
            return null;
        }
        var indices = owner.ReadTensor(indicesProto);
        long[] picked = indices switch
        {
            HostTensor<long> l => (long[])l.Data.Clone(),
            HostTensor<int> n => [.. n.Data.Select(v => (long)v)],
            _ => [],
        };
        if (picked.Length == 0 && indices.ElementCount != 0)
        {
            return null;
        }
        var values = new long[picked.Length];
        for (int i = 0; i < picked.Length; i++)
        {
            long k = picked[i] < 0 ? picked[i] + dims.Length : picked[i];
            if (k < 0 || k >= dims.Length || dims[k] < 0)
            {
                return null;
            }
            values[i] = dims[k];
        }
        var result = ConstantTensors.Int64("", values);
        result.Dims.Clear();
        result.Dims.AddRange(indices.ShapeArray());
        return result;
    }
}
