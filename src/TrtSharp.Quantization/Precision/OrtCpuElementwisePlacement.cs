using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Add, Mul and Concat between quantized tensors in the ONNX Runtime CPU placement. ORT's QDQ transformer turns
/// DQ(a), DQ(b) → Add/Mul → Q into QLinearAdd/QLinearMul and DQ… → Concat → Q into QLinearConcat, but only when every
/// input comes through a DequantizeLinear (a float or constant operand blocks it), all are uint8, and the op's only
/// reader is that Q. So such an op joins the int8 island only when its inputs already arrive quantized (the residual Add
/// after a quantized conv, the squeeze-excitation Mul) and its result is read by ops that quantize their input anyway;
/// otherwise the Q on its output would only add a DequantizeLinear pass per float reader.
/// </summary>
internal static class OrtCpuElementwisePlacement
{
    // Readers that consume a uint8 tensor directly (fused kernels, uint8 carriers), that this placement quantizes, or
    // (Resize, float) that read it through a DequantizeLinear on the small side of an upsampling.
    private static readonly HashSet<string> QuantizedReaders =
        ["Conv", "MatMul", "Gemm", "Add", "Mul", "Concat", "Resize", "LeakyRelu", "Relu", "Sigmoid", "MaxPool", "AveragePool", "GlobalAveragePool"];

    /// <summary>Whether <paramref name="reader"/> takes its input through a DequantizeLinear in this placement.</summary>
    public static bool ReadsQuantized(NodeProto reader) => OnnxGraphIndex.IsDefaultDomain(reader) && QuantizedReaders.Contains(reader.OpType);

    /// <summary>Whether <paramref name="node"/> is an op this class places (Add/Mul with two inputs, Concat).</summary>
    public static bool Handles(NodeProto node) =>
        OnnxGraphIndex.IsDefaultDomain(node) && (node.OpType is "Add" or "Mul" && node.Input.Count == 2 || node.OpType == "Concat");

    /// <summary>
    /// Places Q/DQ for <paramref name="node"/>'s integer kernel, or reports why it stays float; <paramref name="quantizeOutput"/>
    /// is the placement's output quantizer (it returns the note for the report).
    /// </summary>
    public static void Quantize(QdqGraphEditor editor, QdqContext context, NodeProto node, string name, Func<NodeProto, string> quantizeOutput)
    {
        var kernel = Kernel(node);
        if (WhyFloat(editor, context, node, null, out var floatInputs) is string reason)
        {
            context.Decide(node, name, NodeStatus.Inherits, reason);
            return;
        }

        var floatNote = floatInputs.Count > 0
            ? $", gate {string.Join(", ", floatInputs.Select(i => $"'{node.Input[i]}'"))} quantized uint8 from its range"
            : string.Empty;
        foreach (var slot in floatInputs)
        {
            OrtCpuPlacement.QuantizeInput(editor, context, node, slot);
        }

        var outputNote = quantizeOutput(node);
        context.Decide(node, name, NodeStatus.Quantized, $"DQ→{node.OpType}→Q ({kernel}): uint8 inputs{floatNote}, {outputNote}");
    }

    /// <summary>
    /// Whether <see cref="Quantize"/> would form the integer kernel for <paramref name="node"/> if <paramref name="quantized"/>
    /// arrived through a DequantizeLinear (it decides nothing): the affine fold asks before it quantizes that tensor.
    /// </summary>
    public static bool WouldQuantize(QdqGraphEditor editor, QdqContext context, NodeProto node, string quantized) =>
        Handles(node) && WhyFloat(editor, context, node, quantized, out _) is null;

    private static string Kernel(NodeProto node) => node.OpType switch { "Add" => "QLinearAdd", "Mul" => "QLinearMul", _ => "QLinearConcat" };

    /// <summary>
    /// Why <paramref name="node"/> stays float, or null when its kernel can be formed; <paramref name="floatInputs"/> are the
    /// gate inputs to quantize for it. <paramref name="assumeQuantized"/>, when given, counts as arriving quantized.
    /// </summary>
    private static string? WhyFloat(QdqGraphEditor editor, QdqContext context, NodeProto node, string? assumeQuantized, out List<int> floatInputs)
    {
        var index = editor.Index;
        var kernel = Kernel(node);
        floatInputs = [];
        if (node.Input.Any(i => i.Length == 0) || context.NonFloatReason(node, Enumerable.Range(0, node.Input.Count)) is not null)
        {
            return "not a float32 op on runtime tensors; stays float";
        }

        if (node.Input.FirstOrDefault(index.IsConstant) is string constant)
        {
            return $"constant operand '{constant}': {kernel} needs every input through a DequantizeLinear, so it stays float between DQ and Q";
        }

        // A gate (HardSigmoid/Sigmoid output, bounded to [0, 1]) is quantized here rather than blocking the kernel: in a
        // squeeze-excitation block it is a [N, C, 1, 1] tensor, so its Q costs nothing. A Resize output is not: ORT fuses
        // DQ→Resize→Q with equal parameters (what a nearest Resize's calibrated range gives) into its uint8 Resize, which
        // measured 2.7× slower than the float one on PP-OCR's detector neck and ate the whole gain.
        for (var slot = 0; slot < node.Input.Count; slot++)
        {
            if (editor.SourceOf(node.Input[slot]) is not null || node.Input[slot] == assumeQuantized)
            {
                continue;
            }

            var isGate = node.OpType == "Mul" && GateSigmoid(index, node.Input[slot]) is { } sigmoid && IsBroadcastGate(editor, sigmoid, node, slot);
            if (isGate)
            {
                floatInputs.Add(slot);
                continue;
            }

            return $"input '{node.Input[slot]}' arrives in float (its producer is not quantized), so {kernel} cannot be formed; stays float";
        }

        if (floatInputs.Count == node.Input.Count)
        {
            return "no input arrives quantized; stays float";
        }

        var output = node.Output[0];
        if (index.GraphOutputs.Contains(output))
        {
            return $"its result is a graph output, which stays float, so {kernel} cannot be formed";
        }

        var floatReaders = index.Consumers(output).Select(c => c.Node).Where(r => !ReadsQuantized(r)).Select(r => r.OpType).Distinct().ToList();
        if (floatReaders.Count > 0)
        {
            return $"its result is read by float ops ({string.Join(", ", floatReaders)}), so a Q on it would only add DequantizeLinear passes; stays float";
        }

        return null;
    }

    // Ops that only reshape: an SE branch built with Flatten and Gemm reshapes its [N, C] gate back to [N, C, 1, 1].
    private static readonly HashSet<string> ShapeOps = ["Reshape", "Flatten", "Squeeze", "Unsqueeze"];

    /// <summary>
    /// The HardSigmoid/Sigmoid whose output <paramref name="tensor"/> is, directly or through Squeeze/Unsqueeze or a
    /// Reshape to [N, C, 1, …] (a constant shape that is 1 on every axis after the channel, so the gate stays as small as
    /// a pooled tensor whatever the branch computed); null otherwise.
    /// </summary>
    private static NodeProto? GateSigmoid(OnnxGraphIndex index, string tensor)
    {
        for (var depth = 0; depth < 4 && index.Producer(tensor) is { } node && OnnxGraphIndex.IsDefaultDomain(node); depth++)
        {
            if (node.OpType is "HardSigmoid" or "Sigmoid")
            {
                return node;
            }

            var passes = node.OpType is "Squeeze" or "Unsqueeze"
                || node.OpType == "Reshape" && Int64Input(index, node, 1) is { Length: >= 3 } dims && dims.Skip(2).All(d => d == 1);
            if (!passes || node.Input.Count == 0)
            {
                return null;
            }

            tensor = node.Input[0];
        }

        return null;
    }

    /// <summary>
    /// Whether the gate is a squeeze-excitation gate: its input comes from another branch than the Mul's other operand
    /// (a hardswish x·HardSigmoid(x) gates a full-size tensor by itself, and quantizing that one would add a full pass),
    /// and that branch starts at a global pooling ([N, C, 1, 1]), so the gate's own Q is cheap.
    /// </summary>
    private static bool IsBroadcastGate(QdqGraphEditor editor, NodeProto gate, NodeProto mul, int slot)
    {
        var other = mul.Input[1 - slot];
        var gated = editor.SourceOf(other) ?? other;
        var gateInput = editor.SourceOf(gate.Input[0]) ?? gate.Input[0];
        return gateInput != gated && StartsAtGlobalPooling(editor, gateInput);
    }

    // Ops an SE branch runs between its pooling and its gate on a pooled tensor ([N, C, 1, 1], or [N, C] between Flatten
    // and Gemm). A Gemm can widen it, which the gate's own check (GateSigmoid: back to [N, C, 1, …]) bounds.
    private static readonly HashSet<string> ChannelOps =
        ["Conv", "Gemm", "Relu", "Clip", "HardSigmoid", "Sigmoid", "HardSwish", "Add", "Mul", "Div", "BatchNormalization", .. ShapeOps];

    /// <summary>Whether <paramref name="tensor"/> is computed from a global pooling (GlobalAveragePool/GlobalMaxPool, or a
    /// ReduceMean/ReduceMax over every spatial axis keeping its dims) through per-channel ops only, a few nodes up.</summary>
    private static bool StartsAtGlobalPooling(QdqGraphEditor editor, string tensor)
    {
        var index = editor.Index;
        // The pooled tensor's rank, once a Conv on the way tells it (its kernel has rank − 2 dims): a ReduceMean needs it.
        int? rank = null;
        for (var depth = 0; depth < 8 && index.Producer(tensor) is { } node && OnnxGraphIndex.IsDefaultDomain(node); depth++)
        {
            if (node.OpType is "GlobalAveragePool" or "GlobalMaxPool"
                || node.OpType is "ReduceMean" or "ReduceMax" && !node.Attribute.Any(a => a.Name == "keepdims" && a.I == 0) && PoolsEverySpatialAxis(editor, node, rank))
            {
                return true;
            }

            if (node.OpType == "Conv")
            {
                rank ??= ConvRank(editor, node);
            }
            else if (ShapeOps.Contains(node.OpType) || node.OpType == "Gemm")
            {
                rank = null; // what a Conv below said is the rank after the reshape (or the 2-D Gemm), not before it
            }

            // Follow the one runtime input: the only input that is not a constant (weights and biases may already read
            // DequantizeLinear outputs this placement added, which still stand for constants); through an activation's
            // DQ, to its float source.
            var runtime = node.Input.Where(i => i.Length > 0 && editor.ConstantBehind(i) is null).ToList();
            if (!ChannelOps.Contains(node.OpType) || runtime.Count != 1)
            {
                return false;
            }

            tensor = editor.SourceOf(runtime[0]) ?? runtime[0];
        }

        return false;
    }

    /// <summary>
    /// Whether a ReduceMean/ReduceMax pools every spatial axis (2 … rank − 1) of its input, as a global pooling does, so
    /// its output is [N, C, 1, …]. Reducing only some of them (e.g. the last of [N, C, H, W]) or only the channel leaves
    /// a large gate. The input's rank must be known: negative axes count from it, and it says which axes are spatial. It
    /// is <paramref name="rank"/> (from a Conv between the pooling and the gate), else that of the Conv the pooling reads.
    /// </summary>
    private static bool PoolsEverySpatialAxis(QdqGraphEditor editor, NodeProto node, int? rank)
    {
        var index = editor.Index;
        var input = editor.SourceOf(node.Input[0]) ?? node.Input[0];
        rank ??= index.Producer(input) is { OpType: "Conv" } conv && OnnxGraphIndex.IsDefaultDomain(conv) ? ConvRank(editor, conv) : null;
        // Axes: an attribute before opset 18, the second input since; none means every axis, the channel included.
        long[] axes = node.Attribute.FirstOrDefault(a => a.Name == "axes") is { } attribute ? [.. attribute.Ints] : Int64Input(index, node, 1) ?? [];
        if (axes.Length == 0 || rank is not int r || r < 3)
        {
            return false;
        }

        var set = axes.Select(a => a < 0 ? a + r : a).ToHashSet();
        return Enumerable.Range(2, r - 2).All(a => set.Contains(a)) && !set.Contains(1);
    }

    /// <summary>The values of <paramref name="node"/>'s input <paramref name="slot"/> when it is an int64 constant (a shape, axes); null otherwise.</summary>
    private static long[]? Int64Input(OnnxGraphIndex index, NodeProto node, int slot) =>
        node.Input.Count > slot && index.Constant(node.Input[slot]) is { DataType: (int)TensorElementType.Int64 } constant
            ? ((HostTensor<long>)OnnxTensors.ToHostTensor(constant)).Data
            : null;

    /// <summary>Rank of a Conv's data input: its kernel_shape's length + 2, else its weight's rank; null when neither is known.</summary>
    private static int? ConvRank(QdqGraphEditor editor, NodeProto conv)
    {
        if (conv.Attribute.FirstOrDefault(a => a.Name == "kernel_shape") is { Ints.Count: > 0 } kernel)
        {
            return kernel.Ints.Count + 2;
        }

        // The weight may already read a DequantizeLinear this placement added: its float source has the same dims.
        return conv.Input.Count > 1 && editor.ConstantBehind(conv.Input[1]) is { } weight ? weight.Dims.Count : null;
    }
}
