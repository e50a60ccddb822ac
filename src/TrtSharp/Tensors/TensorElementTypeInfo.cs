using System.Numerics;
using TrtSharp.Errors;

namespace TrtSharp.Tensors;

/// <summary>Facts about each <see cref="TensorElementType"/>: CLR storage type, size, names.</summary>
public static class TensorElementTypeInfo
{
    /// <summary>
    /// The CLR type that holds one element in a <see cref="HostTensor{T}"/>. Types without a CLR
    /// counterpart (FP8) are stored as raw <see cref="byte"/>s; 4-bit types are packed two per byte.
    /// </summary>
    public static Type ClrType(TensorElementType type) => type switch
    {
        TensorElementType.Float => typeof(float),
        TensorElementType.UInt8 => typeof(byte),
        TensorElementType.Int8 => typeof(sbyte),
        TensorElementType.UInt16 => typeof(ushort),
        TensorElementType.Int16 => typeof(short),
        TensorElementType.Int32 => typeof(int),
        TensorElementType.Int64 => typeof(long),
        TensorElementType.String => typeof(string),
        TensorElementType.Bool => typeof(bool),
        TensorElementType.Float16 => typeof(Half),
        TensorElementType.Double => typeof(double),
        TensorElementType.UInt32 => typeof(uint),
        TensorElementType.UInt64 => typeof(ulong),
        TensorElementType.Complex64 => typeof(Complex64),
        TensorElementType.Complex128 => typeof(Complex),
        TensorElementType.BFloat16 => typeof(BFloat16),
        TensorElementType.Float8E4M3FN or TensorElementType.Float8E4M3FNUZ
            or TensorElementType.Float8E5M2 or TensorElementType.Float8E5M2FNUZ
            or TensorElementType.UInt4 or TensorElementType.Int4 or TensorElementType.Float4E2M1 => typeof(byte),
        _ => throw new UnsupportedDataTypeException($"element type {type} has no storage type"),
    };

    /// <summary>True for the 4-bit types, stored two elements per byte.</summary>
    public static bool IsPacked4Bit(TensorElementType type) =>
        type is TensorElementType.UInt4 or TensorElementType.Int4 or TensorElementType.Float4E2M1;

    /// <summary>True for every floating-point type (the types calibration and precision work on).</summary>
    public static bool IsFloatingPoint(TensorElementType type) => type is TensorElementType.Float
        or TensorElementType.Float16 or TensorElementType.Double or TensorElementType.BFloat16
        or TensorElementType.Float8E4M3FN or TensorElementType.Float8E4M3FNUZ
        or TensorElementType.Float8E5M2 or TensorElementType.Float8E5M2FNUZ or TensorElementType.Float4E2M1;

    /// <summary>Bytes needed to store <paramref name="elementCount"/> elements (strings: not fixed-size, throws).</summary>
    public static long StorageBytes(TensorElementType type, long elementCount)
    {
        if (type == TensorElementType.String)
        {
            throw new UnsupportedDataTypeException("strings have no fixed size");
        }
        if (IsPacked4Bit(type))
        {
            return (elementCount + 1) / 2;
        }
        return elementCount * ElementSize(type);
    }

    /// <summary>Bytes per element of the storage type (1 for packed 4-bit storage bytes).</summary>
    public static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 or TensorElementType.Complex64 => 8,
        TensorElementType.Complex128 => 16,
        TensorElementType.Int16 or TensorElementType.UInt16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.String => throw new UnsupportedDataTypeException("strings have no fixed size"),
        TensorElementType.Undefined => throw new UnsupportedDataTypeException("undefined element type"),
        _ => 1,
    };

    /// <summary>The element type whose storage is <typeparamref name="T"/> (the natural one where several share a type).</summary>
    public static TensorElementType FromClrType<T>() => typeof(T) switch
    {
        var t when t == typeof(float) => TensorElementType.Float,
        var t when t == typeof(byte) => TensorElementType.UInt8,
        var t when t == typeof(sbyte) => TensorElementType.Int8,
        var t when t == typeof(ushort) => TensorElementType.UInt16,
        var t when t == typeof(short) => TensorElementType.Int16,
        var t when t == typeof(int) => TensorElementType.Int32,
        var t when t == typeof(long) => TensorElementType.Int64,
        var t when t == typeof(string) => TensorElementType.String,
        var t when t == typeof(bool) => TensorElementType.Bool,
        var t when t == typeof(Half) => TensorElementType.Float16,
        var t when t == typeof(double) => TensorElementType.Double,
        var t when t == typeof(uint) => TensorElementType.UInt32,
        var t when t == typeof(ulong) => TensorElementType.UInt64,
        var t when t == typeof(Complex64) => TensorElementType.Complex64,
        var t when t == typeof(Complex) => TensorElementType.Complex128,
        var t when t == typeof(BFloat16) => TensorElementType.BFloat16,
        _ => throw new UnsupportedDataTypeException($"{typeof(T).Name} is not a tensor element type"),
    };

    /// <summary>Lower-case name as ONNX tools print it (float, int64, float16, bfloat16, ...).</summary>
    public static string Name(TensorElementType type) => type.ToString().ToLowerInvariant();
}
