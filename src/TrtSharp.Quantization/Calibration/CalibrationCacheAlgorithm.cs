namespace TrtSharp.Quantization.Calibration;

/// <summary>The calibrator named in a TensorRT calibration cache header (<c>TRT-&lt;version&gt;-&lt;name&gt;</c>).</summary>
public enum CalibrationCacheAlgorithm
{
    /// <summary><c>EntropyCalibration2</c>: TensorRT's IInt8EntropyCalibrator2.</summary>
    EntropyCalibration2,

    /// <summary><c>MinMaxCalibration</c>: TensorRT's IInt8MinMaxCalibrator.</summary>
    MinMaxCalibration,
}
