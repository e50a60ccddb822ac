namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// Max calibration: amax = the largest |x| seen (TensorRT's <c>MinMaxCalibration</c>, pytorch-quantization's
/// <c>MaxCalibrator</c> with per-tensor axis). Uses the exact running maximum, not a bin edge.
/// </summary>
public sealed class MaxRangeAlgorithm : IRangeAlgorithm
{
    /// <inheritdoc/>
    public CalibrationMethod Method => CalibrationMethod.Max;

    /// <inheritdoc/>
    public float ComputeAmax(Histogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.EnsureNotEmpty();
        return histogram.MaxAbs;
    }
}
