using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// The minimal model edit behind taps: intermediate tensors appended as extra graph outputs so that
/// ONNX Runtime returns them. ONNX Runtime infers their types and shapes, so a name is enough.
/// </summary>
internal static class OnnxTaps
{
    /// <summary>
    /// Every tensor a main-graph node produces that is not already a graph output, in node order.
    /// With <paramref name="floatingPointOnly"/>, only those whose element type is known (value_info) and floating-point.
    /// </summary>
    public static IReadOnlyList<string> ListCandidates(ModelProto model, bool floatingPointOnly = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        GraphProto graph = model.Graph ?? throw new ModelFormatException(null, "the model has no graph");
        var outputs = new HashSet<string>(graph.Output.Select(o => o.Name));
        Dictionary<string, int> knownTypes = KnownElementTypes(graph);
        var result = new List<string>();
        var seen = new HashSet<string>();
        foreach (NodeProto node in graph.Node)
        {
            foreach (string name in node.Output)
            {
                if (name.Length == 0 || outputs.Contains(name) || !seen.Add(name))
                {
                    continue;
                }
                if (floatingPointOnly && !(knownTypes.TryGetValue(name, out int t) && TensorElementTypeInfo.IsFloatingPoint((TensorElementType)t)))
                {
                    continue;
                }
                result.Add(name);
            }
        }
        return result;
    }

    /// <summary>
    /// Appends <paramref name="tensorNames"/> to the graph outputs (with their element type where value_info
    /// knows it), skipping names that are outputs already. Returns the names in the order they now appear
    /// after the model's own outputs, duplicates removed.
    /// </summary>
    /// <exception cref="TensorNotFoundException">A name that no node of the main graph produces.</exception>
    public static IReadOnlyList<string> AddTaps(ModelProto model, IEnumerable<string> tensorNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensorNames);
        GraphProto graph = model.Graph ?? throw new ModelFormatException(null, "the model has no graph");
        var produced = new HashSet<string>(graph.Node.SelectMany(n => n.Output).Where(n => n.Length > 0));
        var outputs = new HashSet<string>(graph.Output.Select(o => o.Name));
        Dictionary<string, int> knownTypes = KnownElementTypes(graph);
        var added = new List<string>();
        foreach (string name in tensorNames)
        {
            if (!produced.Contains(name))
            {
                throw new TensorNotFoundException(name, Available(graph));
            }
            if (!outputs.Add(name))
            {
                continue;
            }
            var info = new ValueInfoProto { Name = name };
            if (knownTypes.TryGetValue(name, out int elemType))
            {
                // Type without shape: enough for ONNX Runtime, and never contradicts the shape it infers.
                info.Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType } };
            }
            graph.Output.Add(info);
            added.Add(name);
        }
        return added;
    }

    private static Dictionary<string, int> KnownElementTypes(GraphProto graph)
    {
        var types = new Dictionary<string, int>();
        foreach (ValueInfoProto info in graph.ValueInfo.Concat(graph.Output))
        {
            if (info.Type?.TensorType is { HasElemType: true } tensor && tensor.ElemType != 0)
            {
                types[info.Name] = tensor.ElemType;
            }
        }
        return types;
    }

    private static IEnumerable<string> Available(GraphProto graph)
    {
        const int Shown = 40;
        var names = graph.Node.SelectMany(n => n.Output).Where(n => n.Length > 0).Distinct().ToList();
        return names.Count <= Shown ? names : names.Take(Shown).Append($"… ({names.Count - Shown} more node outputs)");
    }
}
