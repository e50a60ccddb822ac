using System.Numerics.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>The arithmetic of linear quantization, kept apart from graph editing so it can be checked on its own.</summary>
internal static class QuantizationMath
{
    /// <summary>Largest symmetric INT8 level; TensorRT uses [-127, 127] so the range is symmetric around 0.</summary>
    public const int SymmetricLevels = 127;

    /// <summary>
    /// The scale used when a tensor's amax is 0 (it was all zeros in calibration): 1/127, as if amax were 1.
    /// Zero is exact under any scale, so calibration data is reproduced exactly; unlike a tiny scale this one cannot
    /// underflow when TensorRT multiplies input and weight scales, nor overflow in 1/scale. Always reported as a warning.
    /// </summary>
    public const float ZeroAmaxScale = 1f / SymmetricLevels;

    /// <summary>Symmetric INT8 scale amax/127 in float32, or <see cref="ZeroAmaxScale"/> when amax is 0.</summary>
    public static float SymmetricScale(float amax) => amax > 0f ? amax / SymmetricLevels : ZeroAmaxScale;

    /// <summary>
    /// Asymmetric uint8 parameters for [min, max]: the range is widened to contain 0 (so zero, e.g. padding, is exact),
    /// scale = (max - min)/255 and zero point = round(-min/scale) clamped to [0, 255]. A [0, 0] range gets scale
    /// <see cref="ZeroAmaxScale"/> and zero point 0.
    /// </summary>
    public static (float Scale, int ZeroPoint) AsymmetricUInt8(float min, float max)
    {
        var lo = MathF.Min(min, 0f);
        var hi = MathF.Max(max, 0f);
        if (hi - lo <= 0f)
        {
            return (ZeroAmaxScale, 0);
        }

        var scale = (hi - lo) / 255f;
        return (scale, UInt8ZeroPoint(lo, scale));
    }

    /// <summary>The uint8 zero point for a range starting at <paramref name="min"/> with <paramref name="scale"/>: round(-min/scale), clamped.</summary>
    public static int UInt8ZeroPoint(float min, float scale) =>
        (int)Math.Clamp(MathF.Round(-MathF.Min(min, 0f) / scale, MidpointRounding.ToEven), 0f, 255f);

    /// <summary>max |x| per channel along <paramref name="axis"/> of a row-major tensor with <paramref name="dims"/>.</summary>
    public static float[] PerChannelAmax(ReadOnlySpan<float> values, IReadOnlyList<long> dims, int axis)
    {
        var (outer, channels, inner) = Split(dims, axis);
        var amax = new float[channels];
        for (var o = 0; o < outer; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                var block = values.Slice(((o * channels) + c) * inner, inner);
                if (inner > 0)
                {
                    amax[c] = MathF.Max(amax[c], MathF.Abs(TensorPrimitives.MaxMagnitude(block)));
                }
            }
        }

        return amax;
    }

    /// <summary>
    /// Quantizes to symmetric int8: q = clamp(round_half_even(x / scale[c]), -127, 127), the rounding of ONNX
    /// QuantizeLinear; <paramref name="scales"/> has one entry (per tensor, axis ignored) or one per channel.
    /// </summary>
    public static sbyte[] QuantizeSymmetricInt8(ReadOnlySpan<float> values, IReadOnlyList<long> dims, int axis, ReadOnlySpan<float> scales)
    {
        var result = new sbyte[values.Length];
        if (scales.Length == 1)
        {
            for (var i = 0; i < values.Length; i++)
            {
                result[i] = QuantizeOne(values[i], scales[0]);
            }

            return result;
        }

        var (outer, channels, inner) = Split(dims, axis);
        for (var o = 0; o < outer; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                var start = ((o * channels) + c) * inner;
                for (var i = start; i < start + inner; i++)
                {
                    result[i] = QuantizeOne(values[i], scales[c]);
                }
            }
        }

        return result;
    }

    /// <summary>Bias to int32 with zero point 0: q = round_half_even(b / scale), saturated to the int32 range.</summary>
    public static int[] QuantizeBiasInt32(ReadOnlySpan<float> bias, ReadOnlySpan<float> scales)
    {
        var result = new int[bias.Length];
        for (var i = 0; i < bias.Length; i++)
        {
            var scale = scales.Length == 1 ? scales[0] : scales[i];
            var q = Math.Round((double)bias[i] / scale, MidpointRounding.ToEven);
            result[i] = (int)Math.Clamp(q, int.MinValue, int.MaxValue);
        }

        return result;
    }

    private static sbyte QuantizeOne(float x, float scale)
    {
        // float32 division as in QuantizeLinear, then round half to even and saturate to the symmetric range.
        var q = MathF.Round(x / scale, MidpointRounding.ToEven);
        return (sbyte)Math.Clamp(q, -SymmetricLevels, SymmetricLevels);
    }

    private static (int Outer, int Channels, int Inner) Split(IReadOnlyList<long> dims, int axis)
    {
        long outer = 1, inner = 1;
        for (var d = 0; d < axis; d++)
        {
            outer *= dims[d];
        }

        for (var d = axis + 1; d < dims.Count; d++)
        {
            inner *= dims[d];
        }

        return (checked((int)outer), checked((int)dims[axis]), checked((int)inner));
    }
}
