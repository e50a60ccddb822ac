using System.Runtime.InteropServices;
using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Quantization.Precision;

/// <summary>Reads float initializers (through <see cref="OnnxTensors"/>, the one decoder) and builds the small constant tensors Q/DQ needs.</summary>
internal static class TensorData
{
    public const int FloatType = (int)TensorProto.Types.DataType.Float;
    public const int UInt8Type = (int)TensorProto.Types.DataType.Uint8;
    public const int Int8Type = (int)TensorProto.Types.DataType.Int8;
    public const int Int32Type = (int)TensorProto.Types.DataType.Int32;
    public const int Int64Type = (int)TensorProto.Types.DataType.Int64;
    public const int BoolType = (int)TensorProto.Types.DataType.Bool;

    /// <summary>The values of a float32 tensor, decoded by <see cref="OnnxTensors"/>; finite values only.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != FloatType)
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
            values = ((HostTensor<float>)OnnxTensors.ToHostTensor(tensor)).Data;
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

    public static TensorProto Int8(string name, IEnumerable<long> dims, sbyte[] values) =>
        Raw(name, Int8Type, dims, MemoryMarshal.AsBytes(values.AsSpan()));

    public static TensorProto UInt8Scalar(string name, byte value) => Raw(name, UInt8Type, [], [value]);

    public static TensorProto Int8Zeros(string name, int count, bool scalar) =>
        Raw(name, Int8Type, scalar ? [] : [count], new byte[count]);

    public static TensorProto Int32(string name, IEnumerable<long> dims, int[] values)
    {
        var t = new TensorProto { Name = name, DataType = Int32Type };
        t.Dims.AddRange(dims);
        t.Int32Data.AddRange(values);
        return t;
    }

    public static TensorProto Floats(string name, float[] values, bool scalar)
    {
        var t = new TensorProto { Name = name, DataType = FloatType };
        if (!scalar)
        {
            t.Dims.Add(values.Length);
        }

        t.FloatData.AddRange(values);
        return t;
    }

    private static TensorProto Raw(string name, int type, IEnumerable<long> dims, ReadOnlySpan<byte> bytes)
    {
        var t = new TensorProto { Name = name, DataType = type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }
}
