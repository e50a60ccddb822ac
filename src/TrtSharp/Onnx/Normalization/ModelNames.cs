using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Normalization;

/// <summary>Hands out tensor and node names no graph of the model uses yet.</summary>
internal sealed class ModelNames
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public ModelNames(ModelProto model)
    {
        foreach (var graph in NodeAttributes.GraphAndSubgraphs(model.Graph))
        {
            _used.UnionWith(graph.Input.Select(v => v.Name));
            _used.UnionWith(graph.Output.Select(v => v.Name));
            _used.UnionWith(graph.ValueInfo.Select(v => v.Name));
            _used.UnionWith(graph.Initializer.Select(t => t.Name));
            foreach (var node in graph.Node)
            {
                _used.Add(node.Name);
                _used.UnionWith(node.Input);
                _used.UnionWith(node.Output);
            }
        }
    }

    public string Unique(string wanted)
    {
        string name = wanted;
        for (int i = 1; !_used.Add(name); i++)
        {
            name = $"{wanted}_{i}";
        }
        return name;
    }
}
