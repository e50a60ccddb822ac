using System.Diagnostics;
using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>
/// Converts a float32 ONNX model to mixed FP16 or BF16 precision on the CPU, for TensorRT 11's strongly typed builds
/// (and TensorRT 10's): nodes compute in the reduced type unless a rule keeps them in float32 — fragile operator types,
/// node-name patterns, subgraphs, what the ONNX specification does not allow, and, with a dataset, tensors whose
/// values leave the reduced type's range or fall below its normal values. Every kept node is reported with its reason.
/// </summary>
public static class AutoCaster
{
    /// <summary>Converts <paramref name="model"/> (not changed); <paramref name="data"/> enables the data-driven rules.</summary>
    /// <exception cref="Errors.PrecisionConversionException">The model is already reduced, mixed or quantized, or has no float32 data.</exception>
    /// <exception cref="ArgumentException">Bad options.</exception>
    public static AutoCastResult Convert(OnnxModel model, AutoCastOptions options, ICalibrationDataset? data = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        OnnxModel working = Prepare(model);
        ModelProto proto = working.Proto;

        Dictionary<string, TensorElementType> types = ModelTensorTypes.Infer(proto);
        // Refusals (already reduced, quantized) come before the data pass: no long work on a model that cannot be converted.
        AutoCastPlanner.Refuse(proto.Graph, types);
        Dictionary<string, TensorMagnitude>? activations = null;
        if (data is not null)
        {
            activations = TensorMagnitudeProbe.Measure(proto, data, options.Target, options.MaxSamples, progress, cancellationToken);
        }
        return Plan(model, proto, types, options, activations, clock);
    }

    /// <summary>
    /// Converts again with other options (e.g. more nodes kept) and the magnitudes an earlier conversion measured:
    /// no data pass (what sensitivity analysis and the exclusion search repeat many times).
    /// </summary>
    internal static AutoCastResult Reconvert(OnnxModel model, AutoCastOptions options, IReadOnlyDictionary<string, TensorMagnitude>? activations)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        OnnxModel working = Prepare(model);
        Dictionary<string, TensorElementType> types = ModelTensorTypes.Infer(working.Proto);
        AutoCastPlanner.Refuse(working.Proto.Graph, types);
        return Plan(model, working.Proto, types, options, activations, clock);
    }

    /// <summary>
    /// A self-contained copy to convert, normalized like every model a command loads (Constant weights hoisted so they
    /// are converted, old opsets raised so the type table applies) unless the caller normalized it already.
    /// </summary>
    private static OnnxModel Prepare(OnnxModel model)
    {
        var working = OnnxModel.FromProto(model.Proto.Clone(), model.BaseDirectory);
        working.InlineExternalData();
        if (model.Normalization is null)
        {
            ModelNormalizer.Normalize(working);
        }
        return working;
    }

    private static AutoCastResult Plan(OnnxModel model, ModelProto proto, Dictionary<string, TensorElementType> types, AutoCastOptions options,
        IReadOnlyDictionary<string, TensorMagnitude>? activations, Stopwatch clock)
    {
        AutoCastPlan plan = AutoCastPlanner.Plan(proto, types, options, activations);
        int reducedNodes = plan.Reduced.Count(r => r);
        int floatNodes = reducedNodes + plan.Kept.Count;
        // Only named nodes: a keep pattern matches node names, so an unnamed node could not be given back.
        var convertedNames = proto.Graph.Node.Where((n, i) => plan.Reduced[i] && n.Name.Length > 0).Select(n => n.Name).ToList();

        ModelProto converted = proto.Clone();
        AutoCastRewrite rewrite = AutoCastRewriter.Apply(converted, types, plan, options);
        ModelProto emulation = ReducedPrecisionEmulation.FromConverted(converted, rewrite.ReducedTensors, options.Target);
        return new AutoCastResult(OnnxModel.FromProto(converted, model.BaseDirectory), OnnxModel.FromProto(emulation, model.BaseDirectory),
            options.Target, plan.Kept, reducedNodes, floatNodes, rewrite, activations is not null, clock.Elapsed)
        {
            ConvertedNodes = convertedNames,
            Activations = activations,
        };
    }
}
