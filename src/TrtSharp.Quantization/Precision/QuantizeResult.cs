using TrtSharp.Onnx.Normalization;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>The Q/DQ model, the TensorRT 10 calibration cache and the per-tensor range report of one quantization.</summary>
public sealed record QuantizeResult(ModelProto Model, QdqReport Qdq, CalibrationCache Cache, IReadOnlyList<TensorRangeReport> Ranges,
    IReadOnlyList<TensorStatistics> Statistics, TimeSpan CalibrationTime)
{
    /// <summary>What normalization changed in the input model before calibration (null for a result built without it).</summary>
    public NormalizationReport? Normalization { get; init; }

    /// <summary>How the automatic method choice went (null when a method was given).</summary>
    public MethodSelection? Selection { get; init; }
}
