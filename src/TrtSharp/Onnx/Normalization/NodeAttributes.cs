using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Normalization;

/// <summary>Small reads and edits of a node's attributes.</summary>
internal static class NodeAttributes
{
    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long? Int(NodeProto node, string name) => Find(node, name) is { } a ? a.I : null;

    public static float? Float(NodeProto node, string name) => Find(node, name) is { } a ? a.F : null;

    public static string? String(NodeProto node, string name) => Find(node, name) is { } a ? a.S.ToStringUtf8() : null;

    public static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? [.. a.Ints] : null;

    public static float[]? Floats(NodeProto node, string name) => Find(node, name) is { } a ? [.. a.Floats] : null;

    /// <summary>Removes the attribute; true when it was there.</summary>
    public static bool Remove(NodeProto node, string name)
    {
        bool removed = false;
        for (int i = node.Attribute.Count - 1; i >= 0; i--)
        {
            if (node.Attribute[i].Name == name)
            {
                node.Attribute.RemoveAt(i);
                removed = true;
            }
        }
        return removed;
    }

    public static void SetInt(NodeProto node, string name, long value)
    {
        Remove(node, name);
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
    }

    public static void SetString(NodeProto node, string name, string value)
    {
        Remove(node, name);
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) });
    }

    /// <summary>True when the node is in the default ONNX domain.</summary>
    public static bool IsDefaultDomain(NodeProto node) => OnnxGraphIndex.IsDefaultDomain(node);

    /// <summary>The subgraphs held by the node's attributes (If branches, Loop/Scan bodies).</summary>
    public static IEnumerable<GraphProto> Subgraphs(NodeProto node)
    {
        foreach (var a in node.Attribute)
        {
            if (a.G is not null)
            {
                yield return a.G;
            }
            foreach (var g in a.Graphs)
            {
                yield return g;
            }
        }
    }

    /// <summary>The graph and every subgraph nested in it.</summary>
    public static IEnumerable<GraphProto> GraphAndSubgraphs(GraphProto graph)
    {
        yield return graph;
        foreach (var node in graph.Node)
        {
            foreach (var sub in Subgraphs(node).SelectMany(GraphAndSubgraphs))
            {
                yield return sub;
            }
        }
    }

    /// <summary>The names a node reads: its inputs plus what its subgraphs read from enclosing scopes.</summary>
    public static IEnumerable<string> ReferencedNames(NodeProto node)
    {
        foreach (string input in node.Input)
        {
            if (input.Length > 0)
            {
                yield return input;
            }
        }
        foreach (var graph in Subgraphs(node))
        {
            foreach (var inner in graph.Node)
            {
                foreach (string name in ReferencedNames(inner))
                {
                    yield return name;
                }
            }
        }
    }
}
