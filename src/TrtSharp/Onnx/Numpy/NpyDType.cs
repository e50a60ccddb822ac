using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Numpy;

/// <summary>Maps NumPy dtype strings (<c>'&lt;f4'</c>, <c>'|b1'</c>, ...) to element types and back.</summary>
internal static class NpyDType
{
    /// <summary>
    /// Parses a dtype <c>descr</c>; returns the element type and whether the data is big-endian
    /// (and so needs byte swapping). Unsupported dtypes (strings, objects, datetimes, structured) throw.
    /// </summary>
    public static (TensorElementType Type, bool BigEndian) Parse(string descr, string? sourceName)
    {
        ArgumentNullException.ThrowIfNull(descr);
        if (descr.Length >= 3 && descr[0] is '<' or '>' or '|' or '=')
        {
            char kind = descr[1];
            string size = descr[2..];
            TensorElementType? type = (kind, size) switch
            {
                ('f', "2") => TensorElementType.Float16,
                ('f', "4") => TensorElementType.Float,
                ('f', "8") => TensorElementType.Double,
                ('i', "1") => TensorElementType.Int8,
                ('i', "2") => TensorElementType.Int16,
                ('i', "4") => TensorElementType.Int32,
                ('i', "8") => TensorElementType.Int64,
                ('u', "1") => TensorElementType.UInt8,
                ('u', "2") => TensorElementType.UInt16,
                ('u', "4") => TensorElementType.UInt32,
                ('u', "8") => TensorElementType.UInt64,
                ('b', "1") => TensorElementType.Bool,
                ('c', "8") => TensorElementType.Complex64,
                ('c', "16") => TensorElementType.Complex128,
                _ => null,
            };
            if (type is { } t)
            {
                // '=' is the writer's native order; NumPy files come from little-endian machines in practice.
                bool bigEndian = descr[0] == '>' && TensorElementTypeInfo.ElementSize(t) > 1;
                return (t, bigEndian);
            }
        }
        throw new UnsupportedDataTypeException(
            $"{sourceName ?? "npy data"}: NumPy dtype '{descr}' is not supported (supported: float16/32/64, int8-64, uint8-64, bool, complex64/128)");
    }

    /// <summary>The little-endian dtype string NumPy uses for <paramref name="type"/>.</summary>
    /// <exception cref="UnsupportedDataTypeException">NumPy has no such dtype (bfloat16, float8, 4-bit, strings).</exception>
    public static string ToDescr(TensorElementType type) => type switch
    {
        TensorElementType.Float16 => "<f2",
        TensorElementType.Float => "<f4",
        TensorElementType.Double => "<f8",
        TensorElementType.Int8 => "|i1",
        TensorElementType.Int16 => "<i2",
        TensorElementType.Int32 => "<i4",
        TensorElementType.Int64 => "<i8",
        TensorElementType.UInt8 => "|u1",
        TensorElementType.UInt16 => "<u2",
        TensorElementType.UInt32 => "<u4",
        TensorElementType.UInt64 => "<u8",
        TensorElementType.Bool => "|b1",
        TensorElementType.Complex64 => "<c8",
        TensorElementType.Complex128 => "<c16",
        _ => throw new UnsupportedDataTypeException($"element type {TensorElementTypeInfo.Name(type)} has no NumPy dtype; convert it first (e.g. bfloat16 to float32)"),
    };
}
