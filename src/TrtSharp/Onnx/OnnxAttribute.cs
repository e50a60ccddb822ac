using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>A node attribute, read-only.</summary>
public sealed class OnnxAttribute
{
    internal OnnxAttribute(AttributeProto proto) => Proto = proto;

    /// <summary>The protobuf it was read from.</summary>
    internal AttributeProto Proto { get; }

    /// <summary>The attribute's name, e.g. "strides".</summary>
    public string Name => Proto.Name;

    /// <summary>Its declared type.</summary>
    public OnnxAttributeType Type => (OnnxAttributeType)Proto.Type;

    /// <summary>
    /// The value as a CLR object: float, long, string, float[], long[], string[]; a tensor as an
    /// <see cref="OnnxInitializerInfo"/> (name, element type, shape), a subgraph as an <see cref="OnnxGraph"/>, lists of
    /// them as arrays. Sparse tensors and type descriptions have no public view: their value is null.
    /// </summary>
    public object? Value => Proto.Type switch
    {
        AttributeProto.Types.AttributeType.Float => Proto.F,
        AttributeProto.Types.AttributeType.Int => Proto.I,
        AttributeProto.Types.AttributeType.String => Proto.S.ToStringUtf8(),
        AttributeProto.Types.AttributeType.Tensor => new OnnxInitializerInfo(Proto.T),
        AttributeProto.Types.AttributeType.Graph => new OnnxGraph(Proto.G),
        AttributeProto.Types.AttributeType.Floats => Proto.Floats.ToArray(),
        AttributeProto.Types.AttributeType.Ints => Proto.Ints.ToArray(),
        AttributeProto.Types.AttributeType.Strings => Proto.Strings.Select(s => s.ToStringUtf8()).ToArray(),
        AttributeProto.Types.AttributeType.Tensors => Proto.Tensors.Select(t => new OnnxInitializerInfo(t)).ToArray(),
        AttributeProto.Types.AttributeType.Graphs => Proto.Graphs.Select(g => new OnnxGraph(g)).ToArray(),
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => Proto.Type switch
    {
        AttributeProto.Types.AttributeType.Tensor => $"{Name}=tensor {Proto.T?.Name}",
        AttributeProto.Types.AttributeType.Graph => $"{Name}=graph {Proto.G?.Name}",
        AttributeProto.Types.AttributeType.SparseTensor => $"{Name}=sparse tensor",
        AttributeProto.Types.AttributeType.TypeProto => $"{Name}=type",
        _ => Value switch
        {
            float[] f => $"{Name}=[{string.Join(", ", f)}]",
            long[] l => $"{Name}=[{string.Join(", ", l)}]",
            string[] s => $"{Name}=[{string.Join(", ", s)}]",
            OnnxInitializerInfo[] t => $"{Name}=[{t.Length} tensors]",
            OnnxGraph[] g => $"{Name}=[{g.Length} graphs]",
            var v => $"{Name}={v}",
        },
    };
}
