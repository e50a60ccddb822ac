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
}
