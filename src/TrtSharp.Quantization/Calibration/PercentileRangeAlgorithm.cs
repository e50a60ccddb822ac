namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// Percentile calibration, as NVIDIA pytorch-quantization's <c>_compute_amax_percentile</c>
/// (tools/pytorch-quantization/pytorch_quantization/calib/histogram.py in github.com/NVIDIA/TensorRT):
/// <c>cdf = cumsum(counts / total)</c> (each term divided first, summed left to right in double), the first bin index
/// <c>k</c> with <c>cdf[k] ≥ p/100</c> (NumPy <c>searchsorted</c>, side left; <c>k = bins</c> if none), amax = left edge of
/// bin k, <c>k · range / bins</c>.
/// </summary>
public sealed class PercentileRangeAlgorithm : IRangeAlgorithm
{
    /// <summary>The percentile used when none is given.</summary>
    public const double DefaultPercentile = 99.99;

    /// <summary>Creates the algorithm for percentile <paramref name="percentile"/> in [0, 100].</summary>
    public PercentileRangeAlgorithm(double percentile = DefaultPercentile)
    {
        if (!(percentile >= 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "the percentile must lie in [0, 100]");
        }
        Percentile = percentile;
    }

    /// <summary>The percentile, in [0, 100].</summary>
    public double Percentile { get; }

    /// <inheritdoc/>
    public CalibrationMethod Method => CalibrationMethod.Percentile;

    /// <inheritdoc/>
    public float ComputeAmax(Histogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.EnsureNotEmpty();
        if (histogram.Range == 0f)
        {
            return 0f;
        }
        ReadOnlySpan<long> counts = histogram.Counts;
        double total = histogram.TotalCount;
        double target = Percentile / 100.0;
        double cdf = 0;
        for (int k = 0; k < counts.Length; k++)
        {
            cdf += counts[k] / total;
            if (cdf >= target)
            {
                return histogram.Edge(k);
            }
        }
        return histogram.Edge(counts.Length);
    }
}
