using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>Maps ONNX type protos to TrtSharp descriptors and back.</summary>
internal static class OnnxTypes
{
    /// <summary>
    /// The tensor descriptor of <paramref name="valueInfo"/>. Dimensions given as <c>dim_param</c> or
    /// left unset are -1; symbolic names are kept in <see cref="TensorDescriptor.SymbolicDimensions"/>.
    /// A tensor without a shape (unknown rank) gives an empty shape.
    /// </summary>
    /// <exception cref="UnsupportedDataTypeException">The value is not a dense tensor.</exception>
    public static TensorDescriptor ToDescriptor(ValueInfoProto valueInfo)
    {
        ArgumentNullException.ThrowIfNull(valueInfo);
        var tensorType = valueInfo.Type?.TensorType
            ?? throw new UnsupportedDataTypeException($"value '{valueInfo.Name}' is a {Describe(valueInfo.Type)}, not a tensor");
        int code = tensorType.ElemType;
        var elementType = code is > 0 and <= (int)TensorElementType.Float4E2M1 ? (TensorElementType)code : TensorElementType.Undefined;
        var dims = tensorType.Shape?.Dim;
        int rank = dims?.Count ?? 0;
        var shape = new long[rank];
        var names = new string?[rank];
        for (int i = 0; i < rank; i++)
        {
            var d = dims![i];
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue >= 0)
            {
                shape[i] = d.DimValue;
            }
            else
            {
                shape[i] = -1;
                names[i] = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam && d.DimParam.Length > 0 ? d.DimParam : null;
            }
        }
        return new TensorDescriptor(valueInfo.Name, elementType, shape, names);
    }

    /// <summary>Builds a tensor <see cref="ValueInfoProto"/> from a descriptor (-1 dims become <c>dim_param</c> when named, else unset).</summary>
    public static ValueInfoProto ToValueInfo(TensorDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var shape = new TensorShapeProto();
        for (int i = 0; i < descriptor.Shape.Length; i++)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (descriptor.Shape[i] >= 0)
            {
                dim.DimValue = descriptor.Shape[i];
            }
            else if (i < descriptor.SymbolicDimensions.Length && descriptor.SymbolicDimensions[i] is { } name)
            {
                dim.DimParam = name;
            }
            shape.Dim.Add(dim);
        }
        return new ValueInfoProto
        {
            Name = descriptor.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)descriptor.ElementType, Shape = shape } },
        };
    }

    /// <summary>A short readable description of a type ("tensor(float)", "sequence(tensor(int64))", ...).</summary>
    public static string Describe(TypeProto? type) => type?.ValueCase switch
    {
        null or TypeProto.ValueOneofCase.None => "value of unknown type",
        TypeProto.ValueOneofCase.TensorType => $"tensor({ElementName(type.TensorType.ElemType)})",
        TypeProto.ValueOneofCase.SparseTensorType => $"sparse_tensor({ElementName(type.SparseTensorType.ElemType)})",
        TypeProto.ValueOneofCase.SequenceType => $"sequence({Describe(type.SequenceType.ElemType)})",
        TypeProto.ValueOneofCase.OptionalType => $"optional({Describe(type.OptionalType.ElemType)})",
        TypeProto.ValueOneofCase.MapType => $"map({ElementName(type.MapType.KeyType)}, {Describe(type.MapType.ValueType)})",
        _ => type.ValueCase.ToString(),
    };

    private static string ElementName(int code) =>
        code is > 0 and <= (int)TensorElementType.Float4E2M1 ? TensorElementTypeInfo.Name((TensorElementType)code) : $"type{code}";
}
