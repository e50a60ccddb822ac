using System.Numerics.Tensors;

namespace TrtSharp.Comparison;

/// <summary>Summary statistics of a set of values: what Polygraphy prints for each side of a comparison.</summary>
/// <param name="Count">Number of values.</param>
/// <param name="Mean">Arithmetic mean of the finite values.</param>
/// <param name="StandardDeviation">Population standard deviation of the finite values.</param>
/// <param name="Min">Smallest finite value.</param>
/// <param name="MinIndex">Flat index of <paramref name="Min"/>.</param>
/// <param name="Max">Largest finite value.</param>
/// <param name="MaxIndex">Flat index of <paramref name="Max"/>.</param>
/// <param name="Median">50th percentile.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="NaNCount">Number of NaNs.</param>
/// <param name="InfinityCount">Number of ±∞.</param>
public sealed record ValueStatistics(long Count, double Mean, double StandardDeviation, double Min, long MinIndex, double Max, long MaxIndex,
    double Median, double P90, double P95, double P99, long NaNCount, long InfinityCount)
{
    /// <summary>Computes the statistics; percentiles use linear interpolation between order statistics (NumPy's default).</summary>
    public static ValueStatistics Compute(ReadOnlySpan<double> values)
    {
        long nan = 0, inf = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long minIndex = -1, maxIndex = -1;
        var finite = new double[values.Length];
        int n = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v)) { nan++; continue; }
            if (double.IsInfinity(v)) { inf++; continue; }
            finite[n++] = v;
            if (v < min) { min = v; minIndex = i; }
            if (v > max) { max = v; maxIndex = i; }
        }
        if (n == 0)
        {
            return new ValueStatistics(values.Length, double.NaN, double.NaN, double.NaN, -1, double.NaN, -1, double.NaN, double.NaN, double.NaN, double.NaN, nan, inf);
        }
        var span = finite.AsSpan(0, n);
        double mean = TensorPrimitives.Sum<double>(span) / n;
        double variance = 0;
        foreach (double v in span)
        {
            variance += (v - mean) * (v - mean);
        }
        span.Sort();
        return new ValueStatistics(values.Length, mean, Math.Sqrt(variance / n), min, minIndex, max, maxIndex,
            PercentileOfSorted(span, 50), PercentileOfSorted(span, 90), PercentileOfSorted(span, 95), PercentileOfSorted(span, 99), nan, inf);
    }

    /// <summary>The <paramref name="percent"/>th percentile of sorted values, interpolating linearly (NumPy "linear").</summary>
    public static double PercentileOfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }
        double rank = percent / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
