using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Q/DQ placement for ONNX Runtime's CPU provider, which only gains speed where its QDQ transformer can replace a
/// DQ→op→Q group by an integer kernel (DQ→Conv→Q becomes QLinearConv, DQ→LeakyRelu→Q QLinearLeakyRelu, MaxPool an
/// NHWC uint8 pool). So, unlike the TensorRT profile, outputs get Q/DQ too, activations are per-tensor asymmetric
/// uint8 (x86 rewrites int8 to uint8 anyway; U8S8 is the fast kernel), weights per-channel symmetric int8 on axis 0,
/// and Conv bias int32 with scale input_scale·weight_scale[c] and zero point 0 (what QLinearConv expects).
/// Quantization starts at each Conv ("anchor") and is carried through the pointwise/pooling ops that follow it.
/// MatMul/Gemm are quantized on their inputs only (<see cref="OrtCpuMatMulPlacement"/>); ConvTranspose stays float.
/// Before it runs, <see cref="ConvAffineFolding"/> and <see cref="HardSwishRewrite"/> remove float passes it could not fuse;
/// Add/Mul go through <see cref="OrtCpuElementwisePlacement"/> and <see cref="OrtCpuAffineQuantizerFold"/>.
/// </summary>
internal static class OrtCpuPlacement
{
    // Ops ORT runs in uint8 when they sit between a DQ and a Q, and that keep the value quantized for the next one.
    private static readonly HashSet<string> Carriers = ["LeakyRelu", "Relu", "Sigmoid", "MaxPool", "AveragePool", "GlobalAveragePool"];

    public static void Run(QdqGraphEditor editor, QdqContext context)
    {
        var index = editor.Index;
        var options = context.Options;
        var keepFloat = new NodeFilter(options.KeepFloatNodes, [], "kept in float");
        var convs = index.Graph.Node.Where(n => n.OpType == "Conv" && OnnxGraphIndex.IsDefaultDomain(n)).ToList();
        // Convolutions left in float by this profile's own rules, with the reason reported for each.
        var floatConvs = new Dictionary<NodeProto, string>(ReferenceEqualityComparer.Instance);
        if (options.KeepFirstAndLastConvInFloat && convs.Count > 0)
        {
            const string edge = "first/last Conv kept in float (KeepFirstAndLastConvInFloat): U8S8 without VNNI can overflow on few input channels";
            floatConvs[convs[0]] = edge;
            floatConvs[convs[^1]] = edge;
        }

        if (options.KeepHardSwishConvsFasterInFloat)
        {
            foreach (var conv in convs.Where(c => !floatConvs.ContainsKey(c)))
            {
                if (OrtCpuHardSwishConvs.FloatReason(index, conv) is string why)
                {
                    floatConvs[conv] = why + " (KeepHardSwishConvsFasterInFloat)";
                }
            }
        }

        var folds = FoldCandidates(index, context);

        // Whether the placement may change or remove a node: not excluded, not kept float by the user.
        bool MayChange(NodeProto node) => !context.IsExcludedQuietly(node) && !keepFloat.Matches(node.Name, node.OpType);

        // Whether a reader takes input slot `slot` through a DequantizeLinear once that input arrives quantized: a Conv's
        // data input (constant weight, not a Conv this profile keeps float, not kept float by the log-domain guard), a
        // MatMul operand or a Gemm's A as OrtCpuMatMulPlacement would take it, a uint8 carrier, or an Add/Mul/Concat whose integer kernel would
        // then be formed (its other inputs quantized or a squeeze-excitation gate, its readers quantized). Resize is not:
        // it stays float.
        bool QuantizesInput(NodeProto reader, int slot) =>
            OnnxGraphIndex.IsDefaultDomain(reader) && MayChange(reader) && reader.OpType switch
            {
                "Conv" => slot == 0 && reader.Input.Count > 1 && index.IsConstant(reader.Input[1]) && !floatConvs.ContainsKey(reader)
                    && context.LogDomainReason(reader, reader.Input[0]) is null,
                "MatMul" or "Gemm" => OrtCpuMatMulPlacement.WouldQuantize(context, reader, slot, index),
                "Add" or "Mul" or "Concat" => OrtCpuElementwisePlacement.WouldQuantize(editor, context, reader, reader.Input[slot]),
                _ => Carriers.Contains(reader.OpType),
            };
        foreach (var node in index.Graph.Node.ToList())
        {
            if (editor.IsRemoved(node))
            {
                continue; // folded away with an earlier node (OrtCpuAffineQuantizerFold), already reported
            }

            var name = QdqContext.DisplayName(node, index);
            if (context.Excluded(node, name) is string excluded)
            {
                context.Decide(node, name, NodeStatus.Excluded, excluded);
                continue;
            }

            if (FloatOnlyOps.Keep(node, name, context))
            {
                continue;
            }

            var isConv = node.OpType == "Conv" && OnnxGraphIndex.IsDefaultDomain(node);
            var isCarrier = OnnxGraphIndex.IsDefaultDomain(node) && Carriers.Contains(node.OpType);
            var isFold = node.OpType == "Max" && folds.ContainsKey(node);
            var isMatMul = OnnxGraphIndex.IsDefaultDomain(node) && node.OpType is "MatMul" or "Gemm";
            var isElementwise = OrtCpuElementwisePlacement.Handles(node);
            if (OnnxGraphIndex.IsDefaultDomain(node) && node.OpType == "ConvTranspose")
            {
                context.Decide(node, name, NodeStatus.Inherits,
                    "ONNX Runtime's CPU provider fuses no Q/DQ around ConvTranspose (QLinearConvTranspose exists only in other providers), so Q/DQ would only add work; stays float");
                continue;
            }

            if (!isConv && !isCarrier && !isFold && !isMatMul && !isElementwise)
            {
                context.Decide(node, name, NodeStatus.Inherits, "no ORT integer kernel for this op in this profile; stays float between DQ and Q");
                continue;
            }

            if (keepFloat.Match(node.Name, node.OpType) is string kept)
            {
                // Reported as excluded, so the report's exclude_nodes lists it (what --exclude-nodes gives back).
                context.Decide(node, name, NodeStatus.Excluded, kept);
                continue;
            }

            if (isMatMul)
            {
                OrtCpuMatMulPlacement.Quantize(editor, context, node, name);
            }
            else if (isElementwise && node.OpType == "Mul" && OrtCpuAffineQuantizerFold.TryFold(editor, context, node, name, QuantizesInput, MayChange))
            {
                continue;
            }
            else if (isElementwise)
            {
                OrtCpuElementwisePlacement.Quantize(editor, context, node, name, n => QuantizeOutput(editor, context, n, n.Output[0], folds));
            }
            else if (isFold)
            {
                Fold(editor, context, node, name, folds[node]);
            }
            else if (isConv)
            {
                if (floatConvs.TryGetValue(node, out var floatReason))
                {
                    context.Decide(node, name, NodeStatus.Skipped, floatReason);
                    continue;
                }

                QuantizeConv(editor, context, node, name, folds);
            }
            else
            {
                QuantizeCarrier(editor, context, node, name, folds);
            }
        }

        context.Report._warnings.AddRange(keepFloat.UnmatchedWarnings());
    }

    private static void QuantizeConv(QdqGraphEditor editor, QdqContext context, NodeProto node, string name, Dictionary<NodeProto, float> folds)
    {
        var index = editor.Index;
        if (node.Input.Count < 2 || index.Constant(node.Input[1]) is not { } weight)
        {
            context.Decide(node, name, NodeStatus.Skipped, "the weight is not a constant, so QLinearConv cannot be formed");
            return;
        }

        if (context.NonFloatReason(node, node.Input.Count > 2 && node.Input[2].Length > 0 ? [0, 1, 2] : [0, 1]) is string notFloat)
        {
            context.Decide(node, name, NodeStatus.Skipped, notFloat);
            return;
        }

        if (editor.SourceOf(node.Input[0]) is null && context.SkippedForLogDomain(node, name))
        {
            return;
        }

        var input = QuantizeInput(editor, context, node, 0);
        var axis = context.Options.PerChannelWeights && weight.Dims.Count > 0 ? 0 : (int?)null;
        var (weightOutput, weightScales) = editor.QuantizeWeight(node.Input[1], weight, axis, axis is null ? "Conv weight, per-tensor" : "Conv weight, per-channel axis 0");
        node.Input[1] = weightOutput;

        var biasNote = "float bias";
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            if (index.Constant(node.Input[2]) is { } bias)
            {
                var channels = (int)weight.Dims[0];
                var scales = new float[channels];
                for (var c = 0; c < channels; c++)
                {
                    scales[c] = input.Scale * weightScales[weightScales.Length == 1 ? 0 : c];
                }

                node.Input[2] = editor.QuantizeBias(node.Input[2], bias, scales, "Conv bias: int32, scale input_scale × weight_scale, zero point 0");
                biasNote = "int32 bias";
            }
            else
            {
                biasNote = "bias is not constant and stays float";
            }
        }

        var outputNote = QuantizeOutput(editor, context, node, node.Output[0], folds);
        context.Decide(node, name, NodeStatus.Quantized, $"DQ→Conv→Q (QLinearConv): uint8 input, int8 weight, {biasNote}, {outputNote}");
    }

    private static void QuantizeCarrier(QdqGraphEditor editor, QdqContext context, NodeProto node, string name, Dictionary<NodeProto, float> folds)
    {
        // Only worth it when the value arrives quantized; starting a DQ/Q island at a pointwise op buys nothing.
        if (editor.SourceOf(node.Input[0]) is null)
        {
            context.Decide(node, name, NodeStatus.Skipped, "its input is float (not produced by a quantized op), so it stays float");
            return;
        }

        var outputNote = QuantizeOutput(editor, context, node, node.Output[0], folds);
        context.Decide(node, name, NodeStatus.Quantized, $"DQ→{node.OpType}→Q: {outputNote}");
    }

    /// <summary>Max(x, c) whose x was quantized with q = 0 ↔ c: uint8 saturation already is the Max, so the node goes.</summary>
    private static void Fold(QdqGraphEditor editor, QdqContext context, NodeProto node, string name, float c)
    {
        var dataInput = node.Input.First(i => !editor.Index.IsConstant(i));
        if (editor.SourceOf(dataInput) is not string source || editor.ParamsOf(source) is not { } p || !IsFoldParams(p, c))
        {
            context.Decide(node, name, NodeStatus.Inherits, "its input was not quantized with the folding parameters; stays float");
            return;
        }

        foreach (var (consumer, slot) in editor.Index.Consumers(node.Output[0]))
        {
            consumer.Input[slot] = dataInput;
        }

        editor.Remove(node);
        context.Decide(node, name, NodeStatus.Folded, $"Max(x, {c}) folded into the uint8 quantizer of '{source}' (zero point {p.ZeroPoint}, q = 0 is exactly {c})");
    }

    private static bool IsFoldParams(QuantParams p, float c) => p.ElementType == (int)TensorElementType.UInt8 && -p.ZeroPoint * p.Scale == c;

    /// <summary>Parameters of input <paramref name="slot"/>: its producer's when already quantized, else a new uint8 Q/DQ from its range.</summary>
    internal static QuantParams QuantizeInput(QdqGraphEditor editor, QdqContext context, NodeProto node, int slot)
    {
        var tensor = node.Input[slot];
        if (editor.SourceOf(tensor) is string source)
        {
            return editor.ParamsOf(source)!.Value;
        }

        var p = FromRange(context, tensor);
        var note = "uint8 from [min, max]";
        if (ResizeBehind(editor, tensor, p) is string resizeInput)
        {
            p = p with { Scale = p.Scale * (1f + (1f / 1024)) };
            note += $", scale widened by 1/1024 so it differs from that of the Resize input '{resizeInput}' and ONNX Runtime keeps that Resize in float";
        }

        node.Input[slot] = editor.QuantizeActivation(tensor, p, Note(p, note));
        return p;
    }

    /// <summary>
    /// The quantized input of the Resize that produces <paramref name="tensor"/> when quantizing <paramref name="tensor"/>
    /// with <paramref name="p"/> would repeat that input's parameters, else null. ONNX Runtime turns DQ→Resize→Q with
    /// equal parameters (what a nearest Resize's calibrated range gives) into its uint8 Resize, which measured 2.7× slower
    /// than the float one on PP-OCR's neck; on Conv→Resize→Conv keeping it float made the whole model 13% faster.
    /// </summary>
    private static string? ResizeBehind(QdqGraphEditor editor, string tensor, QuantParams p) =>
        editor.Index.Producer(tensor) is { OpType: "Resize" } resize && OnnxGraphIndex.IsDefaultDomain(resize)
            && editor.SourceOf(resize.Input[0]) is string source && editor.ParamsOf(source) == p
            ? source
            : null;

    /// <summary>Q/DQ on a node output, every consumer rewired to the DQ (so the producer's only reader is Q: fusable).</summary>
    private static string QuantizeOutput(QdqGraphEditor editor, QdqContext context, NodeProto node, string tensor, Dictionary<NodeProto, float> folds)
    {
        var index = editor.Index;
        if (index.GraphOutputs.Contains(tensor))
        {
            return "output left float (graph output)";
        }

        QuantParams p;
        string note;
        if (node.OpType == "MaxPool" && editor.SourceOf(node.Input[0]) is string inputSource)
        {
            // Max pooling commutes with a monotone quantizer, so the output reuses the input's parameters exactly.
            p = editor.ParamsOf(inputSource)!.Value;
            note = $"MaxPool output shares the Q parameters of '{inputSource}'";
        }
        else if (FoldingMax(index, tensor, folds) is float c)
        {
            var range = context.RangeOf(tensor);
            p = FoldParams(c, range.Max);
            note = $"uint8 with q = 0 exactly at {c} (folds the following Max)";
        }
        else if (node.OpType == "Conv" && SaturatingActivation(index, tensor, folds) is float floor)
        {
            // LeakyRelu is monotone and the folded Max clamps its output at c, so every conv value below c/alpha
            // ends up as c anyway: spending uint8 levels on them only coarsens the values that matter.
            // When the data reaches below c/alpha, q = 0 is put exactly on it (as for the fold itself), which measured
            // better than a rounded zero point on the speech CNN (held-out cosine 0.9971 vs 0.9960).
            var range = context.RangeOf(tensor);
            p = range.Min <= floor ? FoldParams(floor, range.Max) : FromRange(context, tensor);
            note = Note(p, range.Min <= floor
                ? $"uint8 from [{floor}, max], q = 0 exactly at {floor} (below it the following LeakyRelu→Max saturates)"
                : "uint8 from [min, max] (min is above where the following LeakyRelu→Max saturates)");
        }
        else
        {
            p = FromRange(context, tensor);
            note = Note(p, "uint8 from [min, max]");
        }

        var dq = editor.QuantizeActivation(tensor, p, note);
        foreach (var (consumer, slot) in index.Consumers(tensor))
        {
            consumer.Input[slot] = dq;
        }

        return "uint8 output";
    }

    private static string Note(QuantParams p, string what) => $"{what}: scale {p.Scale:R}, zero point {p.ZeroPoint}";

    private static QuantParams FromRange(QdqContext context, string tensor, float? min = null)
    {
        var range = context.RangeOf(tensor);
        if (range.Min == 0f && range.Max == 0f)
        {
            context.WarnZeroRange(tensor);
        }

        var (scale, zeroPoint) = QuantizationMath.AsymmetricUInt8(min ?? range.Min, range.Max);
        return new QuantParams((int)TensorElementType.UInt8, scale, zeroPoint);
    }

    /// <summary>
    /// uint8 parameters with dequantize(0) == c exactly: zero point Z and scale -c/Z, Z chosen so the top level
    /// (255 - Z)·scale still reaches <paramref name="max"/>. For c = 0 this is plain [0, max].
    /// </summary>
    internal static QuantParams FoldParams(float c, float max)
    {
        if (c == 0f)
        {
            return new QuantParams((int)TensorElementType.UInt8, max > 0f ? max / 255f : QuantizationMath.ZeroAmaxScale, 0);
        }

        var top = MathF.Max(max, 0f);
        // Floor, not round: a smaller zero point means a larger scale, so the top level never falls short of max.
        var zeroPoint = (int)Math.Clamp(MathF.Floor(255f * -c / (top - c)), 1f, 255f);
        float scale;
        // DequantizeLinear computes (0 - Z)·scale in float32; not every Z admits a scale that makes that product
        // bit-exactly c, so try a few ulps around -c/Z, then smaller Z (a power of two always works).
        while (!TryExactScale(c, zeroPoint, out scale))
        {
            zeroPoint--;
        }

        return new QuantParams((int)TensorElementType.UInt8, scale, zeroPoint);
    }

    private static bool TryExactScale(float c, int zeroPoint, out float scale)
    {
        scale = -c / zeroPoint;
        for (var i = 0; i < 8; i++)
        {
            var product = -zeroPoint * scale;
            if (product == c)
            {
                return true;
            }

            scale = product > c ? MathF.BitIncrement(scale) : MathF.BitDecrement(scale);
        }

        return false;
    }

    /// <summary>
    /// If <paramref name="tensor"/>'s only reader is LeakyRelu(alpha &gt; 0) whose only reader is a foldable Max(·, c),
    /// the input value c/alpha below which that chain's output is constant.
    /// </summary>
    private static float? SaturatingActivation(OnnxGraphIndex index, string tensor, Dictionary<NodeProto, float> folds)
    {
        var consumers = index.Consumers(tensor);
        if (consumers.Count != 1 || consumers[0].Node is not { OpType: "LeakyRelu" } relu || !OnnxGraphIndex.IsDefaultDomain(relu))
        {
            return null;
        }

        // ONNX's default alpha for LeakyRelu is 0.01.
        var alpha = relu.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 0.01f;
        return alpha > 0f && FoldingMax(index, relu.Output[0], folds) is float c && c < 0f ? c / alpha : null;
    }

    /// <summary>If <paramref name="tensor"/>'s only reader is a foldable Max, that Max's constant.</summary>
    private static float? FoldingMax(OnnxGraphIndex index, string tensor, Dictionary<NodeProto, float> folds)
    {
        var consumers = index.Consumers(tensor);
        return consumers.Count == 1 && folds.TryGetValue(consumers[0].Node, out var c) ? c : null;
    }

    /// <summary>Max nodes of the form Max(x, c), c a constant scalar ≤ 0, x read by nothing else, neither a graph output.</summary>
    private static Dictionary<NodeProto, float> FoldCandidates(OnnxGraphIndex index, QdqContext context)
    {
        var result = new Dictionary<NodeProto, float>(ReferenceEqualityComparer.Instance);
        foreach (var node in index.Graph.Node)
        {
            if (node.OpType != "Max" || !OnnxGraphIndex.IsDefaultDomain(node) || node.Input.Count != 2 || index.GraphOutputs.Contains(node.Output[0]))
            {
                continue;
            }

            var constantSlot = index.IsConstant(node.Input[1]) ? 1 : index.IsConstant(node.Input[0]) ? 0 : -1;
            if (constantSlot < 0 || index.Constant(node.Input[constantSlot]) is not { DataType: (int)TensorElementType.Float } constant)
            {
                continue;
            }

            var x = node.Input[1 - constantSlot];
            var values = OnnxTensors.ReadFiniteFloats(constant);
            if (values.Length != 1 || values[0] > 0f || index.IsConstant(x) || index.GraphOutputs.Contains(x) || index.Consumers(x).Count != 1)
            {
                continue;
            }

            if (context.IsExcludedQuietly(node))
            {
                continue;
            }

            result[node] = values[0];
        }

        return result;
    }
}
