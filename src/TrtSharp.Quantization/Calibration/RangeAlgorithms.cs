namespace TrtSharp.Quantization.Calibration;

/// <summary>Creates the <see cref="IRangeAlgorithm"/> for a <see cref="CalibrationMethod"/>.</summary>
public static class RangeAlgorithms
{
    /// <summary>The algorithm for <paramref name="method"/>; <paramref name="percentile"/> is used by <see cref="CalibrationMethod.Percentile"/> only.</summary>
    public static IRangeAlgorithm Create(CalibrationMethod method, double percentile = PercentileRangeAlgorithm.DefaultPercentile) => method switch
    {
        CalibrationMethod.Max => new MaxRangeAlgorithm(),
        CalibrationMethod.Entropy => new EntropyRangeAlgorithm(),
        CalibrationMethod.Percentile => new PercentileRangeAlgorithm(percentile),
        CalibrationMethod.Mse => new MseRangeAlgorithm(),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown calibration method"),
    };
}
