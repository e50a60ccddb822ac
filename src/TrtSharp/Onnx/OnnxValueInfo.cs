using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>A graph input, output or intermediate value with its declared type.</summary>
public sealed class OnnxValueInfo
{
    internal OnnxValueInfo(ValueInfoProto proto)
    {
        Proto = proto;
        Name = proto.Name;
        var tensorType = proto.Type?.TensorType;
        IsTensor = tensorType is not null;
        HasShape = tensorType?.Shape is not null;
        if (tensorType is not null)
        {
            int code = tensorType.ElemType;
            ElementType = code is > 0 and <= (int)TensorElementType.Float4E2M1 ? (TensorElementType)code : TensorElementType.Undefined;
        }
    }

    /// <summary>The protobuf it was read from.</summary>
    internal ValueInfoProto Proto { get; }

    /// <summary>The value's name.</summary>
    public string Name { get; }

    /// <summary>True for a dense tensor (false for sequences, maps, optionals, sparse tensors, or no type).</summary>
    public bool IsTensor { get; }

    /// <summary>True when the rank is declared (a tensor without a shape has unknown rank).</summary>
    public bool HasShape { get; }

    /// <summary>The element type (Undefined when not declared or not a tensor).</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The value as a tensor descriptor; dynamic or symbolic dimensions are -1, with their names kept.</summary>
    /// <exception cref="UnsupportedDataTypeException">The value is not a tensor.</exception>
    public TensorDescriptor ToDescriptor() => OnnxTypes.ToDescriptor(Proto);

    /// <inheritdoc/>
    public override string ToString() => IsTensor ? ToDescriptor().ToString() : $"{Name}: {OnnxTypes.Describe(Proto.Type)}";
}
