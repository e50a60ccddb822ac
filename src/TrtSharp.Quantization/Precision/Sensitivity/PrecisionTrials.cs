using TrtSharp.Datasets;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>
/// Builds the reduced-precision model with a given set of layers kept in float and measures it against the float32
/// reference on held-out data: the one experiment sensitivity analysis and the exclusion search repeat.
/// </summary>
/// <typeparam name="TResult">What a build produces (a quantization or a conversion result).</typeparam>
internal abstract class PrecisionTrials<TResult> : IDisposable
{
    private readonly OnnxRuntimeSession _reference;
    private readonly OnnxRuntimeOptions _runtime;

    // The reference's outputs on the held-out data, computed by the first trial and reused by every later one.
    private readonly List<IReadOnlyDictionary<string, HostTensor>> _expected = [];

    protected PrecisionTrials(ModelProto reference, ICalibrationDataset holdout, OnnxRuntimeOptions? runtime)
    {
        _runtime = (runtime ?? new OnnxRuntimeOptions()).Clone();
        _runtime.LogAtLeast(OnnxRuntimeLogSeverity.Error);
        _reference = OnnxRuntimeSession.FromModel(reference, _runtime);
        HoldOut = holdout;
    }

    /// <summary>The layers that can be reduced, in topological order, with their operator types.</summary>
    public abstract IReadOnlyList<(string Name, string OpType)> Layers { get; }

    public abstract SensitivityMode Mode { get; }

    /// <summary>"int8", "fp16", "bf16".</summary>
    public abstract string Precision { get; }

    public ICalibrationDataset HoldOut { get; }

    /// <summary>The model with <paramref name="keptInFloat"/> (node names) kept in float on top of the base options.</summary>
    public abstract TResult Build(IReadOnlyCollection<string> keptInFloat);

    /// <summary>The model validation runs for a build (the Q/DQ model, or the FP16 rounding emulation).</summary>
    protected abstract ModelProto Validated(TResult result);

    public IReadOnlyList<OutputAgreement> Evaluate(TResult result, CancellationToken cancellationToken)
    {
        using var candidate = OnnxRuntimeSession.FromModel(Validated(result), _runtime);
        return QuantizationValidation.Compare(_reference, candidate, HoldOut, _expected, cancellationToken);
    }

    public IReadOnlyList<OutputAgreement> Evaluate(IReadOnlyCollection<string> keptInFloat, CancellationToken cancellationToken) =>
        Evaluate(Build(keptInFloat), cancellationToken);

    public void Dispose() => _reference.Dispose();
}
