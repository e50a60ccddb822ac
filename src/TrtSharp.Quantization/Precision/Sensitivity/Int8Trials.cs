using TrtSharp.Datasets;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;

namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>INT8 trials: one calibration's ranges, Q/DQ placed again with more nodes excluded.</summary>
internal sealed class Int8Trials : PrecisionTrials<QuantizeResult>
{
    private readonly OnnxModel _model;
    private readonly QuantizeResult _calibrated;
    private readonly QuantizeOptions _options;

    /// <param name="model">The normalized float32 model <paramref name="calibrated"/> came from.</param>
    /// <param name="calibrated">A quantization of it (its ranges are reused).</param>
    /// <param name="options">The options it was made with (their exclusions stay in force).</param>
    /// <param name="holdout">Held-out data every trial is measured on.</param>
    /// <param name="runtime">ONNX Runtime options for the sessions.</param>
    public Int8Trials(OnnxModel model, QuantizeResult calibrated, QuantizeOptions options, ICalibrationDataset holdout, OnnxRuntimeOptions? runtime)
        : base(model.Proto, holdout, runtime)
    {
        _model = model;
        _calibrated = calibrated;
        _options = options;
        // Only named nodes: an exclusion pattern matches node names, so an unnamed node could not be given back.
        var named = model.Proto.Graph.Node.Where(n => n.Name.Length > 0).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        Layers = [.. calibrated.Qdq.Nodes.Where(n => n.Status == NodeStatus.Quantized && named.Contains(n.NodeName)).Select(n => (n.NodeName, n.OpType))];
    }

    public override IReadOnlyList<(string Name, string OpType)> Layers { get; }

    public override SensitivityMode Mode => SensitivityMode.Int8;

    public override string Precision => "int8";

    /// <summary>
    /// Places Q/DQ again with <paramref name="keptInFloat"/> in float. On the ONNX Runtime CPU profile they are kept float
    /// the way its first and last convolutions are (<see cref="QdqOptions.KeepFloatNodes"/>), not excluded, so every
    /// float rewrite stays as the calibrated placement made it: an excluded node is left out of the hardswish rewrite and
    /// the quantizer folds, which could ask for a range calibration never saw. Given back as exclusions, the kept nodes
    /// build the same graph unless one of them is part of such a rewrite.
    /// </summary>
    public override QuantizeResult Build(IReadOnlyCollection<string> keptInFloat) =>
        ModelQuantizer.Rebuild(_model, _calibrated, _options, _options.Qdq.Profile == QdqProfile.OrtCpu
            ? _options.Qdq with { KeepFloatNodes = [.. _options.Qdq.KeepFloatNodes, .. keptInFloat] }
            : _options.Qdq with { ExcludeNodes = [.. _options.Qdq.ExcludeNodes, .. keptInFloat] });

    protected override ModelProto Validated(QuantizeResult result) => result.Model.Proto;
}
