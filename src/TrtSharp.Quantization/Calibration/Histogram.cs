using TrtSharp.Errors;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// An immutable histogram of |x| over [0, <see cref="Range"/>] with equal-width bins.
/// Bin <c>j</c> covers [Edge(j), Edge(j+1)); the last bin also holds values at or above its left edge
/// (the collector clamps to it). This is the input of every <see cref="IRangeAlgorithm"/>.
/// </summary>
public sealed class Histogram
{
    /// <summary>The number of bins TensorRT-style calibration uses.</summary>
    public const int DefaultBinCount = 2048;

    private readonly long[] _counts;

    /// <summary>Creates a histogram from its counts (copied).</summary>
    /// <param name="counts">Count per bin; at least one bin, none negative.</param>
    /// <param name="range">Upper edge of the last bin (≥ 0, finite); 0 when every value was 0.</param>
    /// <param name="maxAbs">Largest |x| seen (≤ <paramref name="range"/>); used by the max algorithm.</param>
    /// <param name="tensorName">The tensor the counts belong to, for error messages.</param>
    public Histogram(ReadOnlySpan<long> counts, float range, float maxAbs, string? tensorName = null)
    {
        if (counts.Length == 0)
        {
            throw new ArgumentException("a histogram needs at least one bin", nameof(counts));
        }
        if (!float.IsFinite(range) || range < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, "the range must be finite and ≥ 0");
        }
        if (!float.IsFinite(maxAbs) || maxAbs < 0 || maxAbs > range)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAbs), maxAbs, $"maxAbs must lie in [0, range={range}]");
        }
        long total = 0;
        foreach (long c in counts)
        {
            if (c < 0)
            {
                throw new ArgumentException("bin counts must be ≥ 0", nameof(counts));
            }
            total = checked(total + c);
        }
        _counts = counts.ToArray();
        Range = range;
        MaxAbs = maxAbs;
        TensorName = tensorName;
        TotalCount = total;
    }

    /// <summary>Count per bin.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Number of bins.</summary>
    public int BinCount => _counts.Length;

    /// <summary>Upper edge of the last bin.</summary>
    public float Range { get; }

    /// <summary>Largest |x| that was counted.</summary>
    public float MaxAbs { get; }

    /// <summary>The tensor these counts belong to, when known.</summary>
    public string? TensorName { get; }

    /// <summary>Sum of all counts.</summary>
    public long TotalCount { get; }

    /// <summary>Width of one bin, in double precision.</summary>
    public double BinWidth => (double)Range / _counts.Length;

    /// <summary>
    /// Left edge of bin <paramref name="index"/> (0 ≤ index ≤ BinCount; index = BinCount gives <see cref="Range"/>):
    /// <c>index · (Range / BinCount)</c> evaluated in double and rounded once to float, like NumPy's
    /// <c>linspace(0, range, bins + 1)</c> edges.
    /// </summary>
    public float Edge(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _counts.Length);
        return (float)(index * BinWidth);
    }

    /// <summary>Throws a <see cref="CalibrationException"/> when no value was counted (no range can come from nothing).</summary>
    internal void EnsureNotEmpty()
    {
        if (TotalCount == 0)
        {
            throw new CalibrationException(TensorName, null, "no values were collected, so no range can be computed");
        }
    }
}
