using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Normalization;

/// <summary>Removes main-graph nodes no graph output depends on, then initializers and value_info nothing refers to.</summary>
internal static class DeadNodeRemoval
{
    /// <summary>Returns (nodes removed, initializers removed).</summary>
    public static (int Nodes, int Initializers) Run(ModelProto model)
    {
        var graph = model.Graph;
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var live = new HashSet<NodeProto>();
        foreach (var node in new OnnxGraph(graph).TopologicalOrder().Select(n => n.Proto).Reverse())
        {
            if (node.Output.Any(needed.Contains))
            {
                live.Add(node);
                needed.UnionWith(NodeAttributes.ReferencedNames(node));
            }
        }
        int nodes = 0;
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            if (!live.Contains(graph.Node[i]))
            {
                graph.Node.RemoveAt(i);
                nodes++;
            }
        }
        var inputs = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        int initializers = 0;
        for (int i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            // Initializers that are graph inputs belong to the model's interface; they stay.
            if (!needed.Contains(graph.Initializer[i].Name) && !inputs.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
                initializers++;
            }
        }
        var present = new HashSet<string>(graph.Node.SelectMany(n => n.Output), StringComparer.Ordinal);
        for (int i = graph.ValueInfo.Count - 1; i >= 0; i--)
        {
            if (!present.Contains(graph.ValueInfo[i].Name))
            {
                graph.ValueInfo.RemoveAt(i);
            }
        }
        return (nodes, initializers);
    }
}
