using TrtSharp.Datasets;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision.AutoCast;

namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>FP16/BF16 trials: AutoCast again with more nodes kept, on the magnitudes one data pass measured; validated on the rounding emulation.</summary>
internal sealed class ReducedFloatTrials : PrecisionTrials<AutoCastResult>
{
    private readonly OnnxModel _model;
    private readonly AutoCastOptions _options;
    private readonly AutoCastResult _converted;

    /// <param name="model">The float32 model <paramref name="converted"/> came from.</param>
    /// <param name="options">The options it was converted with (their keep rules stay in force).</param>
    /// <param name="converted">A conversion of it (its measured magnitudes are reused).</param>
    /// <param name="holdout">Held-out data every trial is measured on.</param>
    /// <param name="runtime">ONNX Runtime options for the sessions.</param>
    public ReducedFloatTrials(OnnxModel model, AutoCastOptions options, AutoCastResult converted, ICalibrationDataset holdout, OnnxRuntimeOptions? runtime)
        : base(model.Proto.Clone(), holdout, runtime)
    {
        _model = model;
        _options = options;
        _converted = converted;
        var ops = model.Proto.Graph.Node.Where(n => n.Name.Length > 0).GroupBy(n => n.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().OpType, StringComparer.Ordinal);
        Layers = [.. converted.ConvertedNodes.Select(n => (n, ops[n]))];
    }

    public override IReadOnlyList<(string Name, string OpType)> Layers { get; }

    public override SensitivityMode Mode => SensitivityMode.ReducedFloat;

    public override string Precision => _options.Target.Name();

    public override AutoCastResult Build(IReadOnlyCollection<string> keptInFloat) =>
        AutoCaster.Reconvert(_model, _options with { KeepNodes = [.. _options.KeepNodes, .. keptInFloat] }, _converted.Activations);

    protected override ModelProto Validated(AutoCastResult result) => result.Emulation.Proto.Clone();
}
