using System.Runtime.InteropServices;
using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Normalization;

/// <summary>Builds the small constant tensors the rewrites add (axes, pads, bounds).</summary>
internal static class ConstantTensors
{
    public static TensorProto Int64(string name, IReadOnlyList<long> values, bool scalar = false)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorElementType.Int64 };
        if (!scalar)
        {
            t.Dims.Add(values.Count);
        }
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.ToArray().AsSpan()));
        return t;
    }

    /// <summary>A scalar of a floating-point <paramref name="type"/> (float, double or float16).</summary>
    public static TensorProto FloatScalar(string name, TensorElementType type, double value)
    {
        var t = new TensorProto { Name = name, DataType = (int)type };
        byte[] bytes = type switch
        {
            TensorElementType.Double => BitConverter.GetBytes(value),
            TensorElementType.Float16 => BitConverter.GetBytes((Half)value),
            TensorElementType.BFloat16 => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits((float)value) >> 16)),
            _ => BitConverter.GetBytes((float)value),
        };
        t.RawData = ByteString.CopyFrom(bytes);
        return t;
    }
}
