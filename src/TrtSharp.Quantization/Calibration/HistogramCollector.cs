using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TrtSharp.Errors;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// Streaming statistics of one tensor: count, running min/max and a histogram of |x| on [0, range]
/// (<see cref="Histogram.DefaultBinCount"/> bins, binning <c>min(floor(|x|·(bins/range)), bins−1)</c>, scale in float32).
/// Not thread-safe: one collector per tensor, fed by one thread at a time (it may use a second thread inside a call).
/// </summary>
/// <remarks>
/// <para><b>Growing ranges.</b> The first batch with a non-zero value sets range = its max |x|. When a later batch's max |x|
/// exceeds the range, the range grows by the integer factor <c>m = ceil(newMax / range)</c> and old bin <c>j</c> moves, whole,
/// to new bin <c>floor(j / m)</c>. Because <c>floor(y / m) = floor(floor(y) / m)</c> for an integer m, this is exactly the bin
/// every old value would have had on the new range: no count is lost or split, and the result equals binning all data at
/// once on the final range (up to float rounding at exact bin edges). The price is resolution: the final range lies in
/// [max |x|, 2·max |x|) when it grew, and equals max |x| when it never did. Zeros seen before any non-zero value stay in bin 0.</para>
/// <para><b>Speed.</b> A batch that fits the current range is binned and scanned for min/max/non-finite in one pass;
/// otherwise two: the scan, then (after growing the range) SIMD bin indices into 4 sub-histograms (see <see cref="HistogramKernels"/>). Spans of at least <see cref="ParallelThreshold"/> values are split over the
/// calling thread and one pool thread when <see cref="UseTwoThreads"/> is set.</para>
/// </remarks>
internal sealed class HistogramCollector
{
    /// <summary>Spans at least this long are split across two threads (when enabled); below it the hand-off costs more than it saves.</summary>
    public const int ParallelThreshold = 1 << 18;

    // Below this length the 4·bins flush of sub-histograms costs more than scalar increments straight into _counts.
    private const int ScalarThreshold = 4096;

    private readonly long[] _counts;
    private readonly uint[] _subA;
    private uint[]? _subB;
    private float _range;
    private float _min = float.PositiveInfinity;
    private float _max = float.NegativeInfinity;

    /// <summary>Creates an empty collector for tensor <paramref name="tensorName"/>.</summary>
    /// <param name="tensorName">Named in errors and in the statistics.</param>
    /// <param name="binCount">Histogram bins; 2048 unless a test needs another number.</param>
    public HistogramCollector(string tensorName, int binCount = Histogram.DefaultBinCount)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        TensorName = tensorName;
        BinCount = binCount;
        _counts = new long[binCount];
        _subA = new uint[HistogramKernels.SubHistograms * binCount];
    }

    /// <summary>The tensor these statistics describe.</summary>
    public string TensorName { get; }

    /// <summary>Number of histogram bins.</summary>
    public int BinCount { get; }

    /// <summary>Values counted so far.</summary>
    public long Count { get; private set; }

    /// <summary>Current upper edge of the histogram (0 until a non-zero value arrives).</summary>
    public float Range => _range;

    /// <summary>Whether large spans are split across the calling thread and one pool thread (default true).</summary>
    public bool UseTwoThreads { get; set; } = true;

    /// <summary>
    /// Adds a batch of values. <paramref name="samplesInSpan"/> equal-sized samples starting at <paramref name="sampleIndex"/>
    /// make up the span, so a NaN/∞ can be traced to its sample.
    /// </summary>
    /// <exception cref="CalibrationException">The span holds NaN or ±∞; nothing of the batch is counted.</exception>
    public unsafe void Add(ReadOnlySpan<float> values, long sampleIndex = 0, int samplesInSpan = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesInSpan, 1);
        if (values.IsEmpty)
        {
            return;
        }
        fixed (float* p = values)
        {
            if (TryAddInOnePass(p, values.Length))
            {
                Count += values.Length;
                return;
            }
            MinMaxMaybeParallel(p, values.Length, out float min, out float max, out bool nonFinite);
            if (nonFinite)
            {
                ThrowNonFinite(values, sampleIndex, samplesInSpan);
            }
            float batchAmax = MathF.Max(-min, max);
            if (batchAmax > _range)
            {
                Grow(batchAmax);
            }
            AccumulateBins(p, values.Length);
            _min = MathF.Min(_min, min);
            _max = MathF.Max(_max, max);
        }
        Count += values.Length;
    }

    /// <summary>
    /// Once a range is set most batches fit in it: bin and track min/max in one pass over memory instead of two, and
    /// fall back to the two-pass path (which grows the range or names the NaN) only when the batch does not fit.
    /// </summary>
    /// <returns>Whether the batch was counted.</returns>
    private unsafe bool TryAddInOnePass(float* p, int length)
    {
        if (_range == 0f || length < ScalarThreshold || (UseTwoThreads && length >= ParallelThreshold) || !float.IsFinite(BinCount / _range))
        {
            return false;
        }
        fixed (uint* a = _subA)
        {
            HistogramKernels.AccumulateTracking(p, length, BinCount / _range, a, BinCount, out float min, out float max, out bool nonFinite);
            if (nonFinite || MathF.Max(-min, max) > _range)
            {
                _subA.AsSpan().Clear();
                return false;
            }
            _min = MathF.Min(_min, min);
            _max = MathF.Max(_max, max);
        }
        FlushInto(_subA);
        return true;
    }

    /// <summary>A snapshot of the statistics so far (the collector keeps counting afterwards).</summary>
    public TensorStatistics ToStatistics()
    {
        float maxAbs = Count == 0 ? 0f : MathF.Max(-_min, _max);
        var histogram = new Histogram(_counts, _range, Math.Min(maxAbs, _range), TensorName);
        return new TensorStatistics(TensorName, Count, Count == 0 ? float.NaN : _min, Count == 0 ? float.NaN : _max, histogram);
    }

    private unsafe void MinMaxMaybeParallel(float* p, int length, out float min, out float max, out bool nonFinite)
    {
        if (UseTwoThreads && length >= ParallelThreshold)
        {
            int half = length / 2;
            nint addr = (nint)p;
            float minA = 0, maxA = 0;
            bool badA = false;
            var task = Task.Run(() => HistogramKernels.MinMax((float*)addr, half, out minA, out maxA, out badA));
            HistogramKernels.MinMax(p + half, length - half, out float minB, out float maxB, out bool badB);
            task.Wait();
            min = MathF.Min(minA, minB);
            max = MathF.Max(maxA, maxB);
            nonFinite = badA || badB;
        }
        else
        {
            HistogramKernels.MinMax(p, length, out min, out max, out nonFinite);
        }
    }

    /// <summary>Widens the range by an integer factor and moves each old bin, whole, to the bin its values now belong to.</summary>
    private void Grow(float newMax)
    {
        if (_range == 0f)
        {
            // Everything so far was 0 and sits in bin 0, which is bin 0 of any range.
            _range = newMax;
            return;
        }
        double ratio = (double)newMax / _range;
        double m = Math.Ceiling(ratio);
        float newRange = (float)(_range * m);
        while (newRange < newMax)
        {
            // Guard against the product rounding below newMax.
            m += 1;
            newRange = (float)(_range * m);
        }
        if (m >= BinCount)
        {
            long all = 0;
            foreach (long c in _counts)
            {
                all += c;
            }
            Array.Clear(_counts);
            _counts[0] = all;
        }
        else
        {
            int factor = (int)m;
            for (int j = 1; j < BinCount; j++)
            {
                // Target index ≤ j, so ascending order never reads an already-moved bin.
                long c = _counts[j];
                _counts[j] = 0;
                _counts[j / factor] += c;
            }
        }
        _range = newRange;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void AccumulateBins(float* p, int length)
    {
        if (_range == 0f)
        {
            // All values of this batch are 0 (its max |x| did not exceed a zero range).
            _counts[0] += length;
            return;
        }
        float scale = BinCount / _range;
        if (!float.IsFinite(scale))
        {
            // Range so tiny (< ~1e-35) that the float32 scale overflows: bin in double instead, rarely and slowly.
            double ds = BinCount / (double)_range;
            for (int i = 0; i < length; i++)
            {
                _counts[(int)Math.Min(Math.Floor(Math.Abs(p[i]) * ds), BinCount - 1)]++;
            }
            return;
        }
        if (length < ScalarThreshold)
        {
            int last = BinCount - 1;
            for (int i = 0; i < length; i++)
            {
                _counts[Math.Min(float.ConvertToIntegerNative<int>(MathF.Abs(p[i]) * scale), last)]++;
            }
            return;
        }
        fixed (uint* a = _subA)
        {
            if (UseTwoThreads && length >= ParallelThreshold)
            {
                _subB ??= new uint[_subA.Length];
                int half = length / 2;
                nint addr = (nint)p;
                uint[] subB = _subB;
                int bins = BinCount;
                var task = Task.Run(() =>
                {
                    fixed (uint* b = subB)
                    {
                        HistogramKernels.Accumulate((float*)addr, half, scale, b, bins);
                    }
                });
                HistogramKernels.Accumulate(p + half, length - half, scale, a, BinCount);
                task.Wait();
                FlushInto(_subB);
            }
            else
            {
                HistogramKernels.Accumulate(p, length, scale, a, BinCount);
            }
        }
        FlushInto(_subA);
    }

    private void FlushInto(uint[] sub)
    {
        Span<long> counts = _counts;
        for (int s = 0; s < HistogramKernels.SubHistograms; s++)
        {
            Span<uint> block = sub.AsSpan(s * BinCount, BinCount);
            for (int j = 0; j < counts.Length; j++)
            {
                counts[j] += block[j];
            }
            block.Clear();
        }
    }

    private void ThrowNonFinite(ReadOnlySpan<float> values, long sampleIndex, int samplesInSpan)
    {
        int index = 0;
        while (index < values.Length - 1 && float.IsFinite(values[index]))
        {
            index++;
        }
        int perSample = Math.Max(1, values.Length / samplesInSpan);
        long sample = sampleIndex + Math.Min(index / perSample, samplesInSpan - 1);
        long element = index - ((sample - sampleIndex) * perSample);
        string what = float.IsNaN(values[index]) ? "NaN" : values[index] > 0 ? "+infinity" : "-infinity";
        throw new CalibrationException(TensorName, sample, $"value {what} at element {element} of the sample; calibration needs finite activations");
    }
}
