using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// MatMul and Gemm in the ONNX Runtime CPU placement. ORT's QDQ transformer turns DQ(A)·DQ(B)→MatMul into
/// MatMulIntegerToFloat when no Q follows (QLinearMatMul when one does), and DQ(A)·DQ(B)[·DQ(C)]→Gemm into QGemm
/// (float output without a Q). Both kernels take a uint8 per-tensor A and an int8 B whose scale is per tensor or, for a
/// 2-D B [K, N], one per column N. So: A uint8 from [min, max] (shared with the producer's Q when it has one), a constant
/// B int8 per column, a runtime B (attention's q·kᵀ, p·v) uint8 per tensor, Gemm's C int32 with scale a·b[n].
/// The output stays float: the integer kernel then writes float directly, the next quantized layer quantizes its own
/// input, and no requantization error is added where the reader is a float op (Softmax, LayerNorm's ReduceMean, Add).
/// </summary>
internal static class OrtCpuMatMulPlacement
{
    public static void Quantize(QdqGraphEditor editor, QdqContext context, NodeProto node, string name)
    {
        var index = editor.Index;
        var isGemm = node.OpType == "Gemm";
        if (node.Input.Count < 2 || node.Input[0].Length == 0 || node.Input[1].Length == 0)
        {
            context.Decide(node, name, NodeStatus.Skipped, "an input is missing");
            return;
        }

        var hasBias = isGemm && node.Input.Count > 2 && node.Input[2].Length > 0;
        if (context.NonFloatReason(node, hasBias ? [0, 1, 2] : [0, 1]) is string notFloat)
        {
            context.Decide(node, name, NodeStatus.Skipped, notFloat);
            return;
        }

        var weight = index.Constant(node.Input[1]);
        if (index.IsConstant(node.Input[0]) || (weight is null && !context.HasRange(node.Input[1])))
        {
            context.Decide(node, name, NodeStatus.Skipped, "an operand is computed from constants only (no calibrated range, not a stored weight); stays float");
            return;
        }

        if (isGemm && (weight is null || (hasBias && BiasProblem(node, index, weight) is not null)))
        {
            context.Decide(node, name, NodeStatus.Skipped, weight is null
                ? "Gemm with a runtime B: QGemm is only formed for a constant weight; stays float"
                : BiasProblem(node, index, weight)!);
            return;
        }

        if (editor.SourceOf(node.Input[0]) is null && context.SkippedForLogDomain(node, name))
        {
            return;
        }

        var a = OrtCpuPlacement.QuantizeInput(editor, context, node, 0);
        string weightNote;
        float[] weightScales;
        if (weight is not null)
        {
            var axis = WeightAxis(node, weight, context.Options.PerChannelWeights);
            var what = isGemm ? "Gemm weight" : "MatMul weight";
            (node.Input[1], weightScales) = editor.QuantizeWeight(node.Input[1], weight, axis,
                axis is null ? $"{what}, per-tensor" : $"{what}, per-column (axis {axis})");
            weightNote = axis is null ? "int8 weight per tensor" : "int8 weight per column";
        }
        else
        {
            var b = OrtCpuPlacement.QuantizeInput(editor, context, node, 1);
            weightScales = [b.Scale];
            weightNote = "uint8 B (a runtime tensor)";
        }

        var biasNote = string.Empty;
        if (hasBias)
        {
            var bias = index.Constant(node.Input[2])!;
            var columns = (int)bias.Dims[0];
            var scales = new float[columns];
            for (var n = 0; n < columns; n++)
            {
                scales[n] = a.Scale * weightScales[weightScales.Length == 1 ? 0 : n];
            }

            node.Input[2] = editor.QuantizeBias(node.Input[2], bias, scales, "Gemm bias: int32, scale A_scale × B_scale, zero point 0");
            biasNote = ", int32 bias";
        }

        var kernel = isGemm ? "QGemm" : "MatMulIntegerToFloat";
        context.Decide(node, name, NodeStatus.Quantized, $"DQ→{node.OpType} ({kernel}): uint8 A, {weightNote}{biasNote}, float output");
    }

    /// <summary>
    /// The per-column axis of a constant B, or null for one scale: ORT's kernels accept a per-column scale only for a
    /// 2-D B laid out [K, N] (MatMul, Gemm with transB = 0); Gemm's transposed B [N, K] gets one scale.
    /// </summary>
    private static int? WeightAxis(NodeProto node, TensorProto weight, bool perChannel)
    {
        if (!perChannel || weight.Dims.Count != 2)
        {
            return null;
        }

        return node.OpType == "Gemm" && Attr(node, "transB") == 1 ? null : 1;
    }

    /// <summary>Why QGemm cannot take Gemm's C as an int32 bias, or null.</summary>
    /// <summary>
    /// Whether <see cref="Quantize"/> would take input <paramref name="slot"/> of <paramref name="node"/> (MatMul/Gemm)
    /// through a DequantizeLinear once it arrives quantized (decides nothing): a MatMul operand whose other operand is a
    /// runtime tensor, a Gemm's A with a constant B it can form QGemm with; the log-domain guard must not keep it float.
    /// </summary>
    public static bool WouldQuantize(QdqContext context, NodeProto node, int slot, OnnxGraphIndex index)
    {
        if (node.Input.Count < 2 || node.Input[0].Length == 0 || node.Input[1].Length == 0 || index.IsConstant(node.Input[0]))
        {
            return false;
        }

        var fits = node.OpType == "Gemm"
            ? slot == 0 && index.Constant(node.Input[1]) is { } weight && (node.Input.Count < 3 || node.Input[2].Length == 0 || BiasProblem(node, index, weight) is null)
            : slot < 2 && (index.IsConstant(node.Input[1]) || context.HasRange(node.Input[1]));
        return fits && (slot != 0 || context.LogDomainReason(node, node.Input[0]) is null);
    }

    private static string? BiasProblem(NodeProto node, OnnxGraphIndex index, TensorProto weight)
    {
        var columns = Attr(node, "transB") == 1 ? weight.Dims[0] : weight.Dims[^1];
        if (index.Constant(node.Input[2]) is not { } bias || bias.Dims.Count != 1 || bias.Dims[0] != columns)
        {
            return "Gemm's C is not a constant vector of one value per output column, so QGemm cannot take it as an int32 bias; stays float";
        }

        var beta = node.Attribute.FirstOrDefault(x => x.Name == "beta")?.F ?? 1f;
        return beta == 1f ? null : $"Gemm with beta {beta}: ORT fuses only beta = 1 into QGemm; stays float";
    }

    private static long? Attr(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(x => x.Name == name) is { } attribute ? attribute.I : null;
}
