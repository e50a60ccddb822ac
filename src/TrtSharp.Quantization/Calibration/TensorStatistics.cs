namespace TrtSharp.Quantization.Calibration;

/// <summary>What calibration learned about one tensor: how many values, their extremes, and the |x| histogram.</summary>
/// <param name="TensorName">The tensor.</param>
/// <param name="Count">Values counted.</param>
/// <param name="Min">Smallest value (NaN when nothing was counted).</param>
/// <param name="Max">Largest value (NaN when nothing was counted).</param>
/// <param name="Histogram">Histogram of |x| on [0, range].</param>
public sealed record TensorStatistics(string TensorName, long Count, float Min, float Max, Histogram Histogram)
{
    /// <summary>Largest |x| seen (0 when nothing was counted).</summary>
    public float MaxAbs => Histogram.MaxAbs;
}
