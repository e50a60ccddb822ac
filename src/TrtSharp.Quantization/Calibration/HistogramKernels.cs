using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// The hot loops of histogram collection. Binning rule (the one the calibration definitions use):
/// <c>bin = min(floor(|x| · s), binCount − 1)</c> with <c>s = binCount / range</c> computed once in float32.
/// NumPy's <c>np.histogram</c> corrects values at bin edges with float edges and disagrees on a few values per million;
/// this formula is what pytorch-quantization's definitions assume and what the reference data checks.
/// </summary>
internal static class HistogramKernels
{
    /// <summary>Sub-histograms per kernel call: a run of values in a few neighbouring bins spreads its increments over 4
    /// counters, so consecutive increments rarely wait on the store of the previous one (a block of 16 in one bin is
    /// added to block 0 at once instead).</summary>
    internal const int SubHistograms = 4;

    /// <summary>
    /// Minimum, maximum, and whether any element is NaN or ±∞, in one pass.
    /// <c>x − x</c> is 0 for finite x and NaN for NaN/∞, so one accumulator detects both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void MinMax(float* p, int length, out float min, out float max, out bool nonFinite)
    {
        int i = 0;
        float mn = float.PositiveInfinity, mx = float.NegativeInfinity, bad = 0f;
        if (Vector256.IsHardwareAccelerated && length >= 16)
        {
            var vmin0 = Vector256.Create(float.PositiveInfinity);
            var vmax0 = Vector256.Create(float.NegativeInfinity);
            var vmin1 = vmin0;
            var vmax1 = vmax0;
            var vbad = Vector256<float>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var a = Vector256.Load(p + i);
                var b = Vector256.Load(p + i + 8);
                vmin0 = Vector256.MinNative(vmin0, a);
                vmax0 = Vector256.MaxNative(vmax0, a);
                vmin1 = Vector256.MinNative(vmin1, b);
                vmax1 = Vector256.MaxNative(vmax1, b);
                vbad += (a - a) + (b - b);
            }
            (mn, mx) = Lanes(Vector256.MinNative(vmin0, vmin1), Vector256.MaxNative(vmax0, vmax1));
            bad = Vector256.Sum(vbad);
        }
        for (; i < length; i++)
        {
            Track(p[i], ref mn, ref mx, ref bad);
        }
        min = mn;
        max = mx;
        nonFinite = NonFinite(bad, mn, mx);
    }

    /// <summary>
    /// <see cref="Accumulate"/> and <see cref="MinMax"/> in one pass over memory, for a batch that most likely fits the
    /// current range. Values beyond the range, NaN and ±∞ land in the last bin instead of out of bounds (the index is
    /// clamped as unsigned, and a failed conversion gives 0x80000000 or saturates), so the counts are right exactly when
    /// max |x| ≤ range and nothing is non-finite; otherwise the caller discards <paramref name="sub"/>. The counts and
    /// max equal the two-pass path's; a minimum of zero may differ in its sign (lanes are combined in another order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void AccumulateTracking(float* p, int length, float scale, uint* sub, int binCount,
        out float min, out float max, out bool nonFinite)
    {
        int i = 0;
        uint last = (uint)binCount - 1;
        float mn = float.PositiveInfinity, mx = float.NegativeInfinity, bad = 0f;
        if (Vector256.IsHardwareAccelerated && length >= 16)
        {
            var vs = Vector256.Create(scale);
            var vlast = Vector256.Create(last);
            var offsets = BlockOffsets(binCount);
            var vmin = Vector256.Create(float.PositiveInfinity);
            var vmax = Vector256.Create(float.NegativeInfinity);
            var vbad = Vector256<float>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var a = Vector256.Load(p + i);
                var b = Vector256.Load(p + i + 8);
                vmin = Vector256.MinNative(vmin, Vector256.MinNative(a, b));
                vmax = Vector256.MaxNative(vmax, Vector256.MaxNative(a, b));
                vbad += (a - a) + (b - b);
                Increment(sub,
                    Vector256.Min(Vector256.ConvertToInt32Native(Vector256.Abs(a) * vs).AsUInt32(), vlast),
                    Vector256.Min(Vector256.ConvertToInt32Native(Vector256.Abs(b) * vs).AsUInt32(), vlast), offsets);
            }
            (mn, mx) = Lanes(vmin, vmax);
            bad = Vector256.Sum(vbad);
        }
        for (; i < length; i++)
        {
            float x = p[i];
            Track(x, ref mn, ref mx, ref bad);
            uint bin = Math.Min((uint)float.ConvertToIntegerNative<int>(MathF.Abs(x) * scale), last);
            sub[((uint)(i & 3) * (uint)binCount) + bin]++;
        }
        min = mn;
        max = mx;
        nonFinite = NonFinite(bad, mn, mx);
    }

    /// <summary>
    /// Adds the bins of <paramref name="length"/> values at <paramref name="p"/> to <paramref name="sub"/>,
    /// <see cref="SubHistograms"/> blocks of <paramref name="binCount"/> uint counters (element k goes to block k mod 4,
    /// or a whole block of 16 in one bin to block 0; the caller sums the blocks).
    /// Every |x| must be ≤ the range that gave <paramref name="scale"/> and finite: then |x|·scale ≤ binCount (+ rounding),
    /// so the native (truncating, non-saturating) conversion is exact floor and safe.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Accumulate(float* p, int length, float scale, uint* sub, int binCount)
    {
        int i = 0;
        int last = binCount - 1;
        if (Vector256.IsHardwareAccelerated && length >= 16)
        {
            var vs = Vector256.Create(scale);
            var vlast = Vector256.Create(last);
            var offsets = BlockOffsets(binCount);
            for (; i <= length - 16; i += 16)
            {
                Increment(sub,
                    Vector256.Min(Vector256.ConvertToInt32Native(Vector256.Abs(Vector256.Load(p + i)) * vs), vlast).AsUInt32(),
                    Vector256.Min(Vector256.ConvertToInt32Native(Vector256.Abs(Vector256.Load(p + i + 8)) * vs), vlast).AsUInt32(), offsets);
            }
        }
        for (; i < length; i++)
        {
            int bin = Math.Min(float.ConvertToIntegerNative<int>(MathF.Abs(p[i]) * scale), last);
            sub[((i & 3) * binCount) + bin]++;
        }
    }

    /// <summary>Per lane, the offset of its sub-histogram: lanes 0..3 and 4..7 go to blocks 0..3 of <paramref name="binCount"/> counters.</summary>
    private static Vector256<uint> BlockOffsets(int binCount)
    {
        uint b = (uint)binCount;
        return Vector256.Create(0u, b, 2 * b, 3 * b, 0u, b, 2 * b, 3 * b);
    }

    /// <summary>
    /// Adds one to each of the 16 bins <paramref name="a"/> and <paramref name="b"/> hold, in the sub-histogram of its lane
    /// (<paramref name="offsets"/>). When all 16 are the same bin — a flat region of an image, a run of ReLU zeros:
    /// about 40 % of the blocks of a text detector's activations — that bin gets 16 at once instead of 16 increments.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Increment(uint* sub, Vector256<uint> a, Vector256<uint> b, Vector256<uint> offsets)
    {
        uint first = a.ToScalar();
        var same = Vector256.Create(first);
        if (Vector256.EqualsAll(a, same) && Vector256.EqualsAll(b, same))
        {
            sub[first] += 16;
            return;
        }
        // Read the indices as 64-bit pairs: half as many extractions as reading 32-bit lanes.
        var qa = (a + offsets).AsUInt64();
        var qb = (b + offsets).AsUInt64();
        ulong a0 = qa.GetElement(0), a1 = qa.GetElement(1), a2 = qa.GetElement(2), a3 = qa.GetElement(3);
        ulong b0 = qb.GetElement(0), b1 = qb.GetElement(1), b2 = qb.GetElement(2), b3 = qb.GetElement(3);
        sub[(uint)a0]++; sub[a0 >> 32]++; sub[(uint)a1]++; sub[a1 >> 32]++;
        sub[(uint)a2]++; sub[a2 >> 32]++; sub[(uint)a3]++; sub[a3 >> 32]++;
        sub[(uint)b0]++; sub[b0 >> 32]++; sub[(uint)b1]++; sub[b1 >> 32]++;
        sub[(uint)b2]++; sub[b2 >> 32]++; sub[(uint)b3]++; sub[b3 >> 32]++;
    }

    /// <summary>One scalar step of the min/max/non-finite scan (<c>x − x</c> is NaN exactly for NaN and ±∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Track(float x, ref float min, ref float max, ref float bad)
    {
        min = MathF.Min(min, x);
        max = MathF.Max(max, x);
        bad += x - x;
    }

    private static bool NonFinite(float bad, float min, float max) => !float.IsFinite(bad) || float.IsNaN(min) || float.IsNaN(max);

    /// <summary>The smallest and largest lane.</summary>
    private static (float Min, float Max) Lanes(Vector256<float> min, Vector256<float> max)
    {
        float mn = float.PositiveInfinity, mx = float.NegativeInfinity;
        for (int k = 0; k < Vector256<float>.Count; k++)
        {
            mn = MathF.Min(mn, min.GetElement(k));
            mx = MathF.Max(mx, max.GetElement(k));
        }

        return (mn, mx);
    }
}
