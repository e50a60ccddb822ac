using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>
/// Converts between ONNX <see cref="TensorProto"/> and <see cref="HostTensor"/> for every ONNX element type.
/// Reading accepts <c>raw_data</c>, the typed fields the ONNX spec assigns to each type, and external data;
/// writing always uses little-endian <c>raw_data</c>, except strings (<c>string_data</c>).
/// </summary>
internal static class OnnxTensors
{
    /// <summary>
    /// Converts <paramref name="tensor"/> to a host tensor. External data is read relative to
    /// <paramref name="baseDirectory"/> (the model's folder); <paramref name="sourcePath"/> only names the file in errors.
    /// </summary>
    /// <exception cref="TensorShapeException">Data size does not match the dimensions.</exception>
    /// <exception cref="UnsupportedDataTypeException">Undefined or unknown element type.</exception>
    /// <exception cref="ModelFormatException">External data missing, outside the model folder, or corrupt.</exception>
    public static HostTensor ToHostTensor(TensorProto tensor, string? baseDirectory = null, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        string name = tensor.Name;
        TensorElementType type = ElementTypeOf(tensor);
        long[] shape = ShapeOf(tensor);
        long count;
        try
        {
            count = HostTensor.ShapeElementCount(shape);
            _ = type == TensorElementType.String ? 0 : checked(count * TensorElementTypeInfo.ElementSize(type));
        }
        catch (OverflowException)
        {
            throw new TensorShapeException(name, $"shape {HostTensor.FormatShape(shape)} is too large");
        }
        if (tensor.Segment is not null)
        {
            throw new UnsupportedDataTypeException($"tensor '{name}': segmented tensors are not supported");
        }

        if (type == TensorElementType.String)
        {
            return ReadStrings(tensor, shape, count);
        }

        // Sizes are checked before allocating, so a corrupt header cannot make us allocate gigabytes.
        long expectedBytes = TensorElementTypeInfo.StorageBytes(type, count);
        if (ExternalDataReference.IsExternal(tensor))
        {
            if (baseDirectory is null)
            {
                throw new ModelFormatException(sourcePath, $"tensor '{name}' keeps its data in an external file but no model folder is known to resolve it");
            }
            var reference = ExternalDataReference.Parse(tensor, sourcePath);
            var (_, length) = reference.Validate(baseDirectory, name, sourcePath);
            CheckByteCount(length, expectedBytes, type, name, $"external data in '{reference.Location}'");
            byte[] bytes = reference.ReadBytes(baseDirectory, name, sourcePath);
            HostTensor fromFile = HostTensor.Allocate(type, shape);
            CopyRaw(bytes, fromFile.AsBytes(), type, name, "external data");
            return fromFile;
        }
        if (tensor.HasRawData)
        {
            CheckByteCount(tensor.RawData.Length, expectedBytes, type, name, "raw_data");
            HostTensor fromRaw = HostTensor.Allocate(type, shape);
            CopyRaw(tensor.RawData.Span, fromRaw.AsBytes(), type, name, "raw_data");
            return fromRaw;
        }
        CheckTypedCount(tensor, type, count);
        HostTensor result = HostTensor.Allocate(type, shape);
        ReadTypedFields(tensor, type, count, result, result.AsBytes());
        return result;
    }

    /// <summary>
    /// Builds a <see cref="TensorProto"/> named <paramref name="name"/> from <paramref name="tensor"/>:
    /// <c>raw_data</c> in little-endian order, or <c>string_data</c> (UTF-8) for strings.
    /// </summary>
    public static TensorProto FromHostTensor(HostTensor tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var proto = new TensorProto { Name = name, DataType = (int)tensor.ElementType };
        proto.Dims.AddRange(tensor.ShapeArray());
        if (tensor is StringTensor strings)
        {
            foreach (string s in strings.Data)
            {
                proto.StringData.Add(ByteString.CopyFromUtf8(s));
            }
            return proto;
        }
        EnsureLittleEndian();
        proto.RawData = ByteString.CopyFrom(tensor.AsBytes());
        return proto;
    }

    /// <summary>
    /// The values of a float32 constant that is about to be quantized or converted (inline data only); NaN and
    /// infinity are refused, since no scale can represent them.
    /// </summary>
    /// <exception cref="UnsupportedDataTypeException">The tensor is not float32.</exception>
    /// <exception cref="QuantizationException">External data, data that does not match the shape, or a non-finite value.</exception>
    internal static float[] ReadFiniteFloats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorElementType.Float)
        {
            throw new UnsupportedDataTypeException($"tensor '{tensor.Name}': element type {tensor.DataType} is not float32");
        }
        if (tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new QuantizationException(tensor.Name, "weights stored as external data are not supported; load them into the model first");
        }
        float[] values;
        try
        {
            values = ((HostTensor<float>)ToHostTensor(tensor)).Data;
        }
        catch (TensorShapeException e)
        {
            throw new QuantizationException(tensor.Name, e.Message);
        }
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                throw new QuantizationException(tensor.Name, "the constant holds NaN or infinity and cannot be quantized");
            }
        }
        return values;
    }

    // The small constants Q/DQ insertion writes. Their encodings (raw_data for int8/uint8, int32_data, float_data)
    // are what quantized models have always held, so a model quantized twice is the same file.

    /// <summary>An int8 tensor in <c>raw_data</c>.</summary>
    internal static TensorProto Int8(string name, IEnumerable<long> dims, sbyte[] values) =>
        Raw(name, TensorElementType.Int8, dims, MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>A uint8 scalar in <c>raw_data</c>.</summary>
    internal static TensorProto UInt8Scalar(string name, byte value) => Raw(name, TensorElementType.UInt8, [], [value]);

    /// <summary><paramref name="count"/> int8 zeros in <c>raw_data</c>: a scalar when <paramref name="scalar"/>, else shape [count].</summary>
    internal static TensorProto Int8Zeros(string name, int count, bool scalar) =>
        Raw(name, TensorElementType.Int8, scalar ? [] : [count], new byte[count]);

    /// <summary>An int32 tensor in <c>int32_data</c>.</summary>
    internal static TensorProto Int32(string name, IEnumerable<long> dims, int[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorElementType.Int32 };
        t.Dims.AddRange(dims);
        t.Int32Data.AddRange(values);
        return t;
    }

    /// <summary>A float32 tensor in <c>float_data</c>: a scalar when <paramref name="scalar"/> (one value), else shape [values.Length].</summary>
    internal static TensorProto Floats(string name, float[] values, bool scalar)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorElementType.Float };
        if (!scalar)
        {
            t.Dims.Add(values.Length);
        }
        t.FloatData.AddRange(values);
        return t;
    }

    private static TensorProto Raw(string name, TensorElementType type, IEnumerable<long> dims, ReadOnlySpan<byte> bytes)
    {
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>The element type of <paramref name="tensor"/>, refusing undefined and unknown codes.</summary>
    public static TensorElementType ElementTypeOf(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int code = tensor.DataType;
        if (code <= 0 || code > (int)TensorElementType.Float4E2M1)
        {
            throw new UnsupportedDataTypeException($"tensor '{tensor.Name}': element type code {code} is undefined or not supported");
        }
        return (TensorElementType)code;
    }

    /// <summary>The dimensions of <paramref name="tensor"/>; negative ones are refused.</summary>
    public static long[] ShapeOf(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long[] shape = [.. tensor.Dims];
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new TensorShapeException(tensor.Name, $"dimension {d} is negative in {HostTensor.FormatShape(shape)}");
            }
        }
        return shape;
    }

    /// <summary>
    /// The number of data bytes the tensor's dimensions call for (strings: the sum of the UTF-8 lengths stored).
    /// </summary>
    public static long DataByteSize(TensorProto tensor)
    {
        TensorElementType type = ElementTypeOf(tensor);
        if (type == TensorElementType.String)
        {
            long total = 0;
            foreach (var s in tensor.StringData)
            {
                total += s.Length;
            }
            return total;
        }
        return TensorElementTypeInfo.StorageBytes(type, HostTensor.ShapeElementCount(ShapeOf(tensor)));
    }

    private static StringTensor ReadStrings(TensorProto tensor, long[] shape, long count)
    {
        if (tensor.StringData.Count != count)
        {
            throw new TensorShapeException(tensor.Name, $"string_data has {tensor.StringData.Count} strings but shape {HostTensor.FormatShape(shape)} needs {count}");
        }
        var data = new string[count];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = tensor.StringData[i].ToStringUtf8();
        }
        return new StringTensor(shape, data);
    }

    private static void CheckByteCount(long actual, long expected, TensorElementType type, string name, string what)
    {
        if (actual != expected)
        {
            throw new TensorShapeException(name, $"{what} has {actual} bytes but {TensorElementTypeInfo.Name(type)} data of this shape needs {expected}");
        }
    }

    // Which typed field carries each type, and how many entries it must hold (ONNX spec, TensorProto comments).
    internal static void CheckTypedCount(TensorProto tensor, TensorElementType type, long count)
    {
        var (field, actual, expected) = type switch
        {
            TensorElementType.String => ("string_data", tensor.StringData.Count, count),
            TensorElementType.Float => ("float_data", tensor.FloatData.Count, count),
            TensorElementType.Complex64 => ("float_data", tensor.FloatData.Count, count * 2),
            TensorElementType.Int64 => ("int64_data", tensor.Int64Data.Count, count),
            TensorElementType.Double => ("double_data", tensor.DoubleData.Count, count),
            TensorElementType.Complex128 => ("double_data", tensor.DoubleData.Count, count * 2),
            TensorElementType.UInt32 or TensorElementType.UInt64 => ("uint64_data", tensor.Uint64Data.Count, count),
            _ when TensorElementTypeInfo.IsPacked4Bit(type) => ("int32_data", tensor.Int32Data.Count, (count + 1) / 2),
            _ => ("int32_data", tensor.Int32Data.Count, count),
        };
        CheckCount(tensor.Name, field, actual, expected);
    }

    private static void CopyRaw(ReadOnlySpan<byte> source, Span<byte> destination, TensorElementType type, string name, string what)
    {
        CheckByteCount(source.Length, destination.Length, type, name, what);
        EnsureLittleEndian();
        source.CopyTo(destination);
        if (type == TensorElementType.Bool)
        {
            // A bool byte other than 0/1 is not a valid CLR bool; normalise like ONNX Runtime (non-zero = true).
            foreach (ref byte b in destination)
            {
                b = b != 0 ? (byte)1 : (byte)0;
            }
        }
    }

    private static void ReadTypedFields(TensorProto tensor, TensorElementType type, long count, HostTensor result, Span<byte> destination)
    {
        string name = tensor.Name;
        switch (type)
        {
            case TensorElementType.Float:
                CheckCount(name, "float_data", tensor.FloatData.Count, count);
                tensor.FloatData.CopyTo(((HostTensor<float>)result).Data, 0);
                break;
            case TensorElementType.Complex64:
                {
                    CheckCount(name, "float_data", tensor.FloatData.Count, count * 2);
                    var parts = new float[count * 2];
                    tensor.FloatData.CopyTo(parts, 0);
                    MemoryMarshal.AsBytes(parts.AsSpan()).CopyTo(destination);
                    break;
                }
            case TensorElementType.Int32:
                CheckCount(name, "int32_data", tensor.Int32Data.Count, count);
                tensor.Int32Data.CopyTo(((HostTensor<int>)result).Data, 0);
                break;
            case TensorElementType.Int64:
                CheckCount(name, "int64_data", tensor.Int64Data.Count, count);
                tensor.Int64Data.CopyTo(((HostTensor<long>)result).Data, 0);
                break;
            case TensorElementType.Double:
                CheckCount(name, "double_data", tensor.DoubleData.Count, count);
                tensor.DoubleData.CopyTo(((HostTensor<double>)result).Data, 0);
                break;
            case TensorElementType.Complex128:
                {
                    CheckCount(name, "double_data", tensor.DoubleData.Count, count * 2);
                    var parts = new double[count * 2];
                    tensor.DoubleData.CopyTo(parts, 0);
                    MemoryMarshal.AsBytes(parts.AsSpan()).CopyTo(destination);
                    break;
                }
            case TensorElementType.UInt64:
                CheckCount(name, "uint64_data", tensor.Uint64Data.Count, count);
                tensor.Uint64Data.CopyTo(((HostTensor<ulong>)result).Data, 0);
                break;
            case TensorElementType.UInt32:
                {
                    CheckCount(name, "uint64_data", tensor.Uint64Data.Count, count);
                    var data = ((HostTensor<uint>)result).Data;
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (uint)tensor.Uint64Data[i];
                    }
                    break;
                }
            default:
                ReadNarrowInt32Data(tensor, type, count, destination);
                break;
        }
    }

    // The small types (8/16-bit ints, bool, float16/bfloat16/float8 bit patterns, packed 4-bit pairs)
    // travel one value per int32_data entry.
    private static void ReadNarrowInt32Data(TensorProto tensor, TensorElementType type, long count, Span<byte> destination)
    {
        var values = tensor.Int32Data;
        if (TensorElementTypeInfo.IsPacked4Bit(type))
        {
            CheckCount(tensor.Name, "int32_data", values.Count, (count + 1) / 2);
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (byte)values[i];
            }
            return;
        }
        CheckCount(tensor.Name, "int32_data", values.Count, count);
        int size = TensorElementTypeInfo.ElementSize(type);
        if (size == 2)
        {
            for (int i = 0; i < values.Count; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(i * 2, 2), (ushort)values[i]);
            }
        }
        else if (type == TensorElementType.Bool)
        {
            for (int i = 0; i < values.Count; i++)
            {
                destination[i] = values[i] != 0 ? (byte)1 : (byte)0;
            }
        }
        else
        {
            for (int i = 0; i < values.Count; i++)
            {
                destination[i] = (byte)values[i];
            }
        }
    }

    private static void CheckCount(string name, string field, int actual, long expected)
    {
        if (actual != expected)
        {
            throw new TensorShapeException(name, actual == 0
                ? $"has no data (no raw_data, {field} empty) but its shape needs {expected} values"
                : $"{field} has {actual} values but the shape needs {expected}");
        }
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; big-endian hosts are not supported");
        }
    }
}
