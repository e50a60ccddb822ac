using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Turns an FP32 ONNX model plus calibrated tensor ranges into a model with explicit QuantizeLinear/DequantizeLinear
/// nodes, placed for TensorRT or for ONNX Runtime's CPU provider. A pure graph transformation: the input model is
/// left untouched, nothing is read from or written to disk.
/// </summary>
internal static class QdqInserter
{
    /// <summary>Opset where DequantizeLinear/QuantizeLinear gained the <c>axis</c> attribute (per-channel).</summary>
    public const long RequiredOpset = 13;

    /// <summary>Inserts Q/DQ from per-tensor amax values (symmetric ranges [-amax, amax]).</summary>
    /// <exception cref="QuantizationException">A tensor that needs Q/DQ has no amax, or an amax is negative or not finite.</exception>
    public static QdqResult Insert(ModelProto model, IReadOnlyDictionary<string, float> amax, QdqOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(amax);
        var ranges = new Dictionary<string, TensorRange>(amax.Count, StringComparer.Ordinal);
        foreach (var (name, value) in amax)
        {
            if (!(value >= 0f) || float.IsInfinity(value))
            {
                throw new QuantizationException(name, $"amax {value} is not a finite non-negative number");
            }

            ranges[name] = TensorRange.FromAmax(value);
        }

        return Insert(model, ranges, options);
    }

    /// <summary>
    /// The activations <paramref name="options"/>' placement would quantize in <paramref name="model"/>, known before
    /// calibration: the placement runs once on a copy with every range set to [−1, 1] and no histograms, so layers that
    /// calibrated values could keep float (the log-domain guard) are still counted — a superset of what any ranges need.
    /// </summary>
    internal static IReadOnlySet<string> TensorsNeedingRanges(ModelProto model, QdqOptions options)
    {
        var recording = new RecordingRanges();
        Insert(model, recording, options with { Histograms = null });
        return recording.Asked;
    }

    /// <summary>Inserts Q/DQ from per-tensor [min, max] ranges (the ORT CPU profile uses both ends; TensorRT only amax).</summary>
    /// <exception cref="QuantizationException">A tensor that needs Q/DQ has no range, a range is invalid, the model is
    /// already quantized.</exception>
    /// <exception cref="OpsetConversionException">The model is older than opset 13 and a node cannot be converted.</exception>
    public static QdqResult Insert(ModelProto model, IReadOnlyDictionary<string, TensorRange> ranges, QdqOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ranges);
        options ??= new QdqOptions();
        if (model.Graph is null)
        {
            throw new QuantizationException(null, "the model has no graph");
        }

        var alreadyQuantized = model.Graph.Node.FirstOrDefault(n => OnnxGraphIndex.IsDefaultDomain(n)
            && n.OpType is "QuantizeLinear" or "DequantizeLinear" or "QLinearConv" or "QLinearMatMul" or "ConvInteger" or "MatMulInteger");
        if (alreadyQuantized is not null)
        {
            throw new QuantizationException(null, $"the model is already quantized (it has a {alreadyQuantized.OpType} node '{alreadyQuantized.Name}'); start from the FP32 model");
        }

        var output = model.Clone();
        // Normally the model was normalized when loaded and is at opset 13 already; a model built in code is converted here.
        var conversion = new NormalizationReport();
        var originalOpset = OpsetConverter.Convert(OnnxModel.FromProto(output), output, RequiredOpset, conversion, new Dictionary<string, TensorShapeInfo>());
        var report = new QdqReport(options.Profile, originalOpset, Math.Max(originalOpset, RequiredOpset));
        if (originalOpset < RequiredOpset)
        {
            report._warnings.Add($"default-domain opset raised from {originalOpset} to {RequiredOpset} for per-channel DequantizeLinear ({conversion.Conversions.Count} nodes converted)");
        }

        if (options.Profile == QdqProfile.OrtCpu)
        {
            // Float passes ORT cannot run in integer: fewer of them before Q/DQ is placed means fewer round trips.
            report._nodes.AddRange(ConvAffineFolding.Run(output.Graph, options));
            report._nodes.AddRange(HardSwishRewrite.Run(output.Graph, options));
        }

        var index = new OnnxGraphIndex(output.Graph);
        var editor = new QdqGraphEditor(index, report);
        var context = new QdqContext(options, ranges, index, report);
        if (options.Profile == QdqProfile.OrtCpu)
        {
            OrtCpuPlacement.Run(editor, context);
        }
        else
        {
            TensorRtPlacement.Run(editor, context);
        }

        context.ReportUnmatchedPatterns();
        editor.Apply();
        return new QdqResult(output, report);
    }
}
