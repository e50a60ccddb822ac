using TrtSharp.Errors;
using TrtSharp.Interop.Generated;
using TrtSharp.Tensors;

namespace TrtSharp.TensorRT;

/// <summary>Conversions between the shim's dims/types and TrtSharp's.</summary>
internal static unsafe class ShimDims
{
    public static TrtsDims From(ReadOnlySpan<long> shape, string tensorName)
    {
        if (shape.Length > TrtsNative.MaxDims)
        {
            throw new TensorShapeException(tensorName, $"rank {shape.Length} exceeds TensorRT's maximum of {TrtsNative.MaxDims}");
        }
        TrtsDims dims = default;
        dims.NbDims = shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            dims.D[i] = shape[i];
        }
        return dims;
    }

    public static long[] ToArray(in TrtsDims dims)
    {
        var result = new long[Math.Max(dims.NbDims, 0)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = dims.D[i];
        }
        return result;
    }

    /// <summary>True when <paramref name="dims"/> equals <paramref name="shape"/> (no allocation).</summary>
    public static bool SameAs(in TrtsDims dims, ReadOnlySpan<long> shape)
    {
        if (dims.NbDims != shape.Length)
        {
            return false;
        }
        for (int i = 0; i < shape.Length; i++)
        {
            if (dims.D[i] != shape[i])
            {
                return false;
            }
        }
        return true;
    }

    public static TensorElementType ToElementType(TrtsDataType type, string tensorName) => type switch
    {
        TrtsDataType.Float => TensorElementType.Float,
        TrtsDataType.Half => TensorElementType.Float16,
        TrtsDataType.Bf16 => TensorElementType.BFloat16,
        TrtsDataType.Int8 => TensorElementType.Int8,
        TrtsDataType.Uint8 => TensorElementType.UInt8,
        TrtsDataType.Int32 => TensorElementType.Int32,
        TrtsDataType.Int64 => TensorElementType.Int64,
        TrtsDataType.Bool => TensorElementType.Bool,
        TrtsDataType.Fp8 => TensorElementType.Float8E4M3FN,
        _ => throw new UnsupportedDataTypeException($"tensor '{tensorName}': TensorRT data type {type} has no host representation in TrtSharp"),
    };
}
