using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Precision;

/// <summary>
/// Turns an FP32 ONNX model plus calibrated tensor ranges into a model with explicit QuantizeLinear/DequantizeLinear
/// nodes, placed for TensorRT or for ONNX Runtime's CPU provider. A pure graph transformation: the input model is
/// left untouched, nothing is read from or written to disk.
/// </summary>
public static class QdqInserter
{
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

    /// <summary>Inserts Q/DQ from per-tensor [min, max] ranges (the ORT CPU profile uses both ends; TensorRT only amax).</summary>
    /// <exception cref="QuantizationException">A tensor that needs Q/DQ has no range, a range is invalid, the model is
    /// already quantized, or its opset cannot be raised to 13 safely.</exception>
    public static QdqResult Insert(ModelProto model, IReadOnlyDictionary<string, TensorRange> ranges, QdqOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ranges);
        options ??= new QdqOptions();
        if (model.Graph is null)
        {
            throw new QuantizationException(null, "the model has no graph");
        }

        var alreadyQuantized = model.Graph.Node.FirstOrDefault(n => GraphIndex.IsDefaultDomain(n)
            && n.OpType is "QuantizeLinear" or "DequantizeLinear" or "QLinearConv" or "QLinearMatMul" or "ConvInteger" or "MatMulInteger");
        if (alreadyQuantized is not null)
        {
            throw new QuantizationException(null, $"the model is already quantized (it has a {alreadyQuantized.OpType} node '{alreadyQuantized.Name}'); start from the FP32 model");
        }

        var output = model.Clone();
        var originalOpset = OpsetUpgrade.Ensure(output);
        var report = new QdqReport(options.Profile, originalOpset, Math.Max(originalOpset, OpsetUpgrade.RequiredOpset));
        if (originalOpset < OpsetUpgrade.RequiredOpset)
        {
            report._warnings.Add($"default-domain opset raised from {originalOpset} to {OpsetUpgrade.RequiredOpset} for per-channel DequantizeLinear; no operator in the model changed meaning in between");
        }

        var index = new GraphIndex(output.Graph);
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
