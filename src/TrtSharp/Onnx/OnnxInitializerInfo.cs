using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>Facts about one initializer, read without loading its data.</summary>
public sealed class OnnxInitializerInfo
{
    internal OnnxInitializerInfo(TensorProto proto)
    {
        Proto = proto;
        Name = proto.Name;
        int code = proto.DataType;
        ElementType = code is > 0 and <= (int)TensorElementType.Float4E2M1 ? (TensorElementType)code : TensorElementType.Undefined;
        Shape = [.. proto.Dims];
        IsExternal = ExternalDataReference.IsExternal(proto);
        ExternalLocation = IsExternal ? proto.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value : null;
        ByteSize = ElementType == TensorElementType.Undefined || Shape.Any(d => d < 0) ? 0 : OnnxTensors.DataByteSize(proto);
    }

    /// <summary>The protobuf it was read from.</summary>
    internal TensorProto Proto { get; }

    /// <summary>The initializer's name.</summary>
    public string Name { get; }

    /// <summary>Its element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>Its dimensions.</summary>
    public long[] Shape { get; }

    /// <summary>Bytes of data its shape calls for (for strings: the UTF-8 bytes stored).</summary>
    public long ByteSize { get; }

    /// <summary>True when the data lives in an external file.</summary>
    public bool IsExternal { get; }

    /// <summary>The external file's location relative to the model, when external.</summary>
    public string? ExternalLocation { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {TensorElementTypeInfo.Name(ElementType)}{HostTensor.FormatShape(Shape)} ({ByteSize} B{(IsExternal ? ", external" : "")})";
}
