using TrtSharp.Errors;
using TrtSharp.Tensors;
using TrtSharp.Triton.Protobuf;

namespace TrtSharp.Triton;

/// <summary>ONNX/TensorRT element types as Triton's <c>DataType</c>.</summary>
internal static class TritonDataTypes
{
    /// <summary>The Triton type for <paramref name="type"/>.</summary>
    /// <exception cref="UnsupportedDataTypeException">Triton has no such type (complex, FP8, 4-bit).</exception>
    public static DataType From(TensorElementType type, string tensorName) => type switch
    {
        TensorElementType.Bool => DataType.TypeBool,
        TensorElementType.UInt8 => DataType.TypeUint8,
        TensorElementType.UInt16 => DataType.TypeUint16,
        TensorElementType.UInt32 => DataType.TypeUint32,
        TensorElementType.UInt64 => DataType.TypeUint64,
        TensorElementType.Int8 => DataType.TypeInt8,
        TensorElementType.Int16 => DataType.TypeInt16,
        TensorElementType.Int32 => DataType.TypeInt32,
        TensorElementType.Int64 => DataType.TypeInt64,
        TensorElementType.Float16 => DataType.TypeFp16,
        TensorElementType.Float => DataType.TypeFp32,
        TensorElementType.Double => DataType.TypeFp64,
        TensorElementType.String => DataType.TypeString,
        TensorElementType.BFloat16 => DataType.TypeBf16,
        _ => throw new UnsupportedDataTypeException($"tensor '{tensorName}' is {TensorElementTypeInfo.Name(type)}, which Triton has no data type for"),
    };
}
