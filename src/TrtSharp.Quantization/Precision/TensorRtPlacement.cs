using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Q/DQ placement for TensorRT explicit quantization. TensorRT propagates Q/DQ through the graph and fuses
/// DQ→Conv/Gemm/MatMul (+bias, +pointwise activations, +residual Add) into INT8 kernels, so Q/DQ goes only on the
/// inputs of those layers: per-tensor symmetric int8 on activations, per-channel int8 initializers + DQ on weights.
/// Pointwise ops after a quantized layer get nothing: TensorRT fuses them into the layer's epilogue and an extra Q/DQ
/// would only force a precision boundary. Bias stays float (TensorRT quantizes it itself from the scales).
/// </summary>
internal static class TensorRtPlacement
{
    public static void Run(QdqGraphEditor editor, QdqContext context)
    {
        var index = editor.Index;
        foreach (var node in index.Graph.Node.ToList())
        {
            var name = QdqContext.DisplayName(node, index);
            // Exclusion is checked first for every node, so a pattern naming a non-quantizable op still counts as matched.
            if (context.Excluded(node, name) is string excluded)
            {
                context.Decide(node, name, NodeStatus.Excluded, excluded);
                continue;
            }

            if (FloatOnlyOps.Keep(node, name, context))
            {
                continue;
            }

            if (!OnnxGraphIndex.IsDefaultDomain(node) || node.OpType is not ("Conv" or "ConvTranspose" or "Gemm" or "MatMul" or "Add"))
            {
                context.Decide(node, name, NodeStatus.Inherits,
                    "not a TensorRT quantization point; runs in the precision its producer's fusion gives it");
                continue;
            }

            if (node.OpType == "Add" && !IsResidualAdd(node, index))
            {
                context.Decide(node, name, NodeStatus.Inherits, "Add with a constant operand: fused as a bias/pointwise op, not a residual add");
                continue;
            }

            var plan = Plan(node, index, context.Options.PerChannelWeights);
            if (context.NonFloatReason(node, plan.Select(p => p.Input)) is string notFloat)
            {
                context.Decide(node, name, NodeStatus.Skipped, notFloat);
                continue;
            }

            if (!index.IsConstant(node.Input[0]) && context.SkippedForLogDomain(node, name))
            {
                continue;
            }

            foreach (var (input, axis, isWeightSlot) in plan)
            {
                var tensor = node.Input[input];
                string replacement;
                if (index.Constant(tensor) is { } constant)
                {
                    var note = axis is null
                        ? $"{node.OpType} {(isWeightSlot ? "weight" : "constant input")}, per-tensor"
                        : $"{node.OpType} weight, per-channel axis {axis}";
                    replacement = editor.QuantizeWeight(tensor, constant, axis, note).Output;
                }
                else if (isWeightSlot && WeightView.Find(tensor, index, context.Options.PerChannelWeights ? ViewAxis(node) : null, node.OpType is "MatMul" or "Gemm") is { } view)
                {
                    // The weight reaches the layer through a layout op: quantize the stored weight itself and keep the
                    // op (DQ→Transpose→MatMul), so the file holds int8 and TensorRT still sees a constant weight.
                    var note = view.Axis is int a
                        ? $"{node.OpType} weight behind {view.Path}, per-channel axis {a} of the stored tensor"
                        : $"{node.OpType} weight behind {view.Path}, per-tensor";
                    var dq = editor.QuantizeWeight(view.Source, view.Constant, view.Axis, note).Output;
                    view.FirstOp.Input[0] = dq;
                    continue;
                }
                else
                {
                    var range = context.RangeOf(tensor);
                    var amax = range.Amax;
                    var note = $"symmetric int8, amax {amax:R}";
                    if (amax == 0f)
                    {
                        note = "amax 0 (all zeros in calibration): fallback scale 1/127";
                        context.WarnZeroRange(tensor);
                    }

                    replacement = editor.QuantizeActivation(tensor, new QuantParams((int)TensorElementType.Int8, QuantizationMath.SymmetricScale(amax), 0), note);
                }

                node.Input[input] = replacement;
            }

            context.Decide(node, name, NodeStatus.Quantized, Describe(node));
        }
    }

    /// <summary>Residual Add: both operands are runtime tensors (neither an initializer nor a Constant output).</summary>
    private static bool IsResidualAdd(NodeProto node, OnnxGraphIndex index) =>
        node.Input.Count == 2 && node.Input.All(i => i.Length > 0 && !index.IsConstant(i));

    /// <summary>The inputs to quantize: (input slot, per-channel axis or null, whether the slot is the weight slot).</summary>
    private static List<(int Input, int? Axis, bool WeightSlot)> Plan(NodeProto node, OnnxGraphIndex index, bool perChannel)
    {
        var plan = new List<(int, int?, bool)>();
        switch (node.OpType)
        {
            case "Conv":
                plan.Add((0, null, false));
                plan.Add((1, WeightAxis(node, index, 1, 0, perChannel), true));
                break;
            case "ConvTranspose":
                // Output channels sit on axis 1 of [C, M/group, k...]; with groups that axis is only M/group long, so
                // one scale per weight is the safe choice there.
                var groups = Attr(node, "group") ?? 1;
                plan.Add((0, null, false));
                plan.Add((1, groups == 1 ? WeightAxis(node, index, 1, 1, perChannel) : null, true));
                break;
            case "Gemm":
                // B is [K, N] (axis 1 = output columns) unless transB=1 makes it [N, K] (axis 0).
                plan.Add((0, null, false));
                plan.Add((1, WeightAxis(node, index, 1, Attr(node, "transB") == 1 ? 0 : 1, perChannel), true));
                break;
            case "MatMul":
                // A constant B of shape [K, N] gets one scale per output column (axis 1).
                plan.Add((0, null, false));
                plan.Add((1, WeightAxis(node, index, 1, 1, perChannel), true));
                break;
            default: // residual Add
                plan.Add((0, null, false));
                plan.Add((1, null, false));
                break;
        }

        return plan;
    }

    private static int? WeightAxis(NodeProto node, OnnxGraphIndex index, int input, int axis, bool perChannel)
    {
        if (!perChannel || index.Constant(node.Input[input]) is not { } constant)
        {
            return null;
        }

        // Per-channel needs the axis to exist; MatMul/Gemm per-channel is defined for 2-D weights only.
        var rank = constant.Dims.Count;
        if (node.OpType is "MatMul" or "Gemm" && rank != 2)
        {
            return null;
        }

        return axis < rank ? axis : null;
    }

    /// <summary>The per-channel axis the layer's weight slot would use if it were a constant, null when per-channel is off or there is none.</summary>
    private static int? ViewAxis(NodeProto node) => node.OpType switch
    {
        "Conv" => 0,
        "ConvTranspose" => Attr(node, "group") is null or 1 ? 1 : null,
        "Gemm" => Attr(node, "transB") == 1 ? 0 : 1,
        "MatMul" => 1,
        _ => null,
    };

    private static long? Attr(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : null;

    private static string Describe(NodeProto node) => node.OpType switch
    {
        "Add" => "residual Add: Q/DQ on both inputs",
        "Conv" or "ConvTranspose" => "Q/DQ on the activation input, int8 weight + DQ, float bias",
        _ => "Q/DQ on the activation input(s), int8 weight + DQ when constant",
    };
}
