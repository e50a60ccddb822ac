using TrtSharp.Calibration;

namespace TrtSharp.Precision;

/// <summary>What <see cref="ModelQuantizer"/> produces and how.</summary>
public sealed record QuantizeOptions
{
    /// <summary>Calibration method for activations (TensorRT's default calibrator is entropy).</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Entropy;

    /// <summary>Percentile for <see cref="CalibrationMethod.Percentile"/>.</summary>
    public double Percentile { get; init; } = PercentileRangeAlgorithm.DefaultPercentile;

    /// <summary>Q/DQ placement and exclusions.</summary>
    public QdqOptions Qdq { get; init; } = new();

    /// <summary>TensorRT version written in the calibration cache header, 10.x numbering (e.g. 101601 for 10.16.1).</summary>
    public int CacheTensorRtVersion { get; init; } = CalibrationCache.EncodeVersion(10, 16, 1);

    /// <summary>Checks the options, so that a bad one fails before calibration rather than after it.</summary>
    /// <exception cref="ArgumentException">The percentile lies outside [0, 100].</exception>
    public void Validate()
    {
        // Every method's amax goes into the report, so the percentile matters even when another method is chosen.
        if (!(Percentile >= 0 && Percentile <= 100))
        {
            throw new ArgumentException($"the percentile must lie in [0, 100], not {Percentile}");
        }
    }
}
