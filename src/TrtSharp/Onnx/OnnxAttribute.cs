using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>A node attribute, read-only.</summary>
public sealed class OnnxAttribute
{
    internal OnnxAttribute(AttributeProto proto) => Proto = proto;

    /// <summary>The protobuf it was read from.</summary>
    public AttributeProto Proto { get; }

    /// <summary>The attribute's name, e.g. "strides".</summary>
    public string Name => Proto.Name;

    /// <summary>Its declared type.</summary>
    public AttributeProto.Types.AttributeType Type => Proto.Type;

    /// <summary>The value as the natural CLR object: float, long, string, float[], long[], string[], TensorProto, GraphProto, ...</summary>
    public object? Value => Proto.Type switch
    {
        AttributeProto.Types.AttributeType.Float => Proto.F,
        AttributeProto.Types.AttributeType.Int => Proto.I,
        AttributeProto.Types.AttributeType.String => Proto.S.ToStringUtf8(),
        AttributeProto.Types.AttributeType.Tensor => Proto.T,
        AttributeProto.Types.AttributeType.Graph => Proto.G,
        AttributeProto.Types.AttributeType.SparseTensor => Proto.SparseTensor,
        AttributeProto.Types.AttributeType.TypeProto => Proto.Tp,
        AttributeProto.Types.AttributeType.Floats => Proto.Floats.ToArray(),
        AttributeProto.Types.AttributeType.Ints => Proto.Ints.ToArray(),
        AttributeProto.Types.AttributeType.Strings => Proto.Strings.Select(s => s.ToStringUtf8()).ToArray(),
        AttributeProto.Types.AttributeType.Tensors => Proto.Tensors.ToArray(),
        AttributeProto.Types.AttributeType.Graphs => Proto.Graphs.ToArray(),
        AttributeProto.Types.AttributeType.SparseTensors => Proto.SparseTensors.ToArray(),
        AttributeProto.Types.AttributeType.TypeProtos => Proto.TypeProtos.ToArray(),
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => Value switch
    {
        float[] f => $"{Name}=[{string.Join(", ", f)}]",
        long[] l => $"{Name}=[{string.Join(", ", l)}]",
        string[] s => $"{Name}=[{string.Join(", ", s)}]",
        TensorProto t => $"{Name}=tensor {t.Name}",
        GraphProto g => $"{Name}=graph {g.Name}",
        var v => $"{Name}={v}",
    };
}
