using System.Numerics;
using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>Reads the numeric elements of any <see cref="HostTensor"/> as doubles, for comparisons and statistics.</summary>
internal static class TensorValues
{
    /// <summary>True when the tensor holds numbers that <see cref="ToDoubles(HostTensor)"/> can read.</summary>
    public static bool IsNumeric(HostTensor tensor) => tensor switch
    {
        StringTensor => false,
        _ => tensor.ElementType is not (TensorElementType.Complex64 or TensorElementType.Complex128)
             && !TensorElementTypeInfo.IsPacked4Bit(tensor.ElementType)
             && tensor.ElementType is not (TensorElementType.Float8E4M3FN or TensorElementType.Float8E4M3FNUZ
                 or TensorElementType.Float8E5M2 or TensorElementType.Float8E5M2FNUZ),
    };

    /// <summary>Copies the elements into <paramref name="destination"/> as doubles (bool: 0/1).</summary>
    public static void ToDoubles(HostTensor tensor, Span<double> destination)
    {
        if (destination.Length < tensor.ElementCount)
        {
            throw new ArgumentException("destination is too small", nameof(destination));
        }
        switch (tensor)
        {
            case HostTensor<float> t: Widen(t.Data, destination); break;
            case HostTensor<double> t: t.Data.CopyTo(destination); break;
            case HostTensor<Half> t: for (int i = 0; i < t.Data.Length; i++) { destination[i] = (double)t.Data[i]; } break;
            case HostTensor<BFloat16> t: for (int i = 0; i < t.Data.Length; i++) { destination[i] = t.Data[i].ToSingle(); } break;
            case HostTensor<bool> t: for (int i = 0; i < t.Data.Length; i++) { destination[i] = t.Data[i] ? 1 : 0; } break;
            case HostTensor<sbyte> t: Widen(t.Data, destination); break;
            case HostTensor<byte> t when tensor.ElementType == TensorElementType.UInt8: Widen(t.Data, destination); break;
            case HostTensor<short> t: Widen(t.Data, destination); break;
            case HostTensor<ushort> t: Widen(t.Data, destination); break;
            case HostTensor<int> t: Widen(t.Data, destination); break;
            case HostTensor<uint> t: Widen(t.Data, destination); break;
            case HostTensor<long> t: Widen(t.Data, destination); break;
            case HostTensor<ulong> t: Widen(t.Data, destination); break;
            default: throw new UnsupportedDataTypeException($"cannot read {TensorElementTypeInfo.Name(tensor.ElementType)} elements as numbers");
        }
    }

    /// <summary>The elements as a new double array.</summary>
    public static double[] ToDoubles(HostTensor tensor)
    {
        var result = new double[tensor.ElementCount];
        ToDoubles(tensor, result);
        return result;
    }

    private static void Widen<T>(T[] source, Span<double> destination) where T : unmanaged, INumberBase<T>
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = double.CreateTruncating(source[i]);
        }
    }
}
