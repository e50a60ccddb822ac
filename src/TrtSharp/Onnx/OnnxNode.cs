using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>A node of an <see cref="OnnxGraph"/>, read-only.</summary>
public sealed class OnnxNode
{
    internal OnnxNode(NodeProto proto, int index)
    {
        Proto = proto;
        Index = index;
        Inputs = [.. proto.Input];
        Outputs = [.. proto.Output];
        Attributes = [.. proto.Attribute.Select(a => new OnnxAttribute(a))];
    }

    /// <summary>The protobuf it was read from.</summary>
    internal NodeProto Proto { get; }

    /// <summary>Position in the graph's node list.</summary>
    public int Index { get; }

    /// <summary>The node's name (may be empty in ONNX; see <see cref="DisplayName"/>).</summary>
    public string Name => Proto.Name;

    /// <summary>The name, or "OpType#index" when the node has none.</summary>
    public string DisplayName => string.IsNullOrEmpty(Proto.Name) ? $"{Proto.OpType}#{Index}" : Proto.Name;

    /// <summary>The operator, e.g. "Conv".</summary>
    public string OpType => Proto.OpType;

    /// <summary>The operator's domain ("" for the default ONNX domain).</summary>
    public string Domain => Proto.Domain;

    /// <summary>Input tensor names; an empty name is an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Output tensor names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The attributes.</summary>
    public IReadOnlyList<OnnxAttribute> Attributes { get; }

    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <inheritdoc/>
    public override string ToString() => $"{DisplayName} ({(Domain.Length > 0 ? Domain + ":" : "")}{OpType})";
}
