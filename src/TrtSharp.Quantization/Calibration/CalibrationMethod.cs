namespace TrtSharp.Quantization.Calibration;

/// <summary>How a tensor's range is chosen from its statistics.</summary>
public enum CalibrationMethod
{
    /// <summary>amax = max |x|.</summary>
    Max,

    /// <summary>Minimum KL divergence, TensorRT's entropy calibration as pytorch-quantization defines it.</summary>
    Entropy,

    /// <summary>The left edge of the bin where the CDF of |x| reaches a percentile (default 99.99).</summary>
    Percentile,

    /// <summary>Minimum count-weighted squared error of fake-quantized bin centres.</summary>
    Mse,
}
