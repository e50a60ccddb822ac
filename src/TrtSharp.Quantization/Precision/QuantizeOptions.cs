using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>What <see cref="ModelQuantizer"/> produces and how.</summary>
public sealed record QuantizeOptions
{
    /// <summary>
    /// Calibration method for activations; null (the default) chooses automatically: each method is tried with a collapse
    /// guard (a tensor it clips hard falls back to percentile, then max) and the one whose quantized model agrees best
    /// with float32 on data held back from calibration wins (<see cref="ModelQuantizer"/>). The dataset is read several
    /// times and must yield the same batches in the same order each time (the file and speech datasets do).
    /// </summary>
    public CalibrationMethod? Method { get; init; }

    /// <summary>
    /// Calibrate every floating-point activation instead of only those the placement quantizes (the default). The
    /// calibration cache and the range report then cover every tensor (TensorRT's implicit INT8 mode reads them all),
    /// and <c>ModelQuantizer.FromStatistics</c>
    /// can place Q/DQ for another profile from the same statistics. Costs memory and time: every activation becomes an
    /// extra ONNX Runtime output, histogrammed on every batch.
    /// </summary>
    public bool CalibrateAllTensors { get; init; }

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
