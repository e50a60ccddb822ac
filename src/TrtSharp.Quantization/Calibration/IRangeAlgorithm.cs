namespace TrtSharp.Quantization.Calibration;

/// <summary>Chooses the clipping threshold amax (scale = amax / 127 for symmetric INT8) from a tensor's |x| histogram.</summary>
public interface IRangeAlgorithm
{
    /// <summary>The method this algorithm implements.</summary>
    CalibrationMethod Method { get; }

    /// <summary>
    /// The threshold for <paramref name="histogram"/>: 0 when every value was 0 (the range is 0).
    /// </summary>
    /// <exception cref="TrtSharp.Errors.CalibrationException">The histogram counted no values.</exception>
    float ComputeAmax(Histogram histogram);
}
