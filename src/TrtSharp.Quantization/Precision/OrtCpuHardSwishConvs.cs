using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// ort-cpu: the convolutions ONNX Runtime runs faster in float than as QLinearConv. These are 2-D convolutions (group 1,
/// constant 4-D weight) with a reduction of at most <see cref="MaxReduction"/> values per output (input channels × kernel
/// size; in practice a 1×1 convolution over at most 16 channels) whose output is read only by a hardswish.
/// The hardswish is Mul(x, HardSigmoid(x, 1/6, 0.5)), as <see cref="HardSwishRewrite"/> leaves it, or HardSwish, and its
/// result is not a graph output.
/// Why float is faster there:
/// - In float, ONNX Runtime fuses that hardswish into the convolution (its NCHWc Conv takes it as activation).
/// - It has no integer kernel for a hardswish. After a QLinearConv, the output is dequantized once for each of the two
///   readers, and the hardswish runs as two float passes.
/// - With so short a reduction, the integer convolution's gain does not pay for those four passes.
/// Measured on PP-OCRv4's detector (one thread, a 640×640 page): its 16→32 convolution in float made the model
/// 3–7 % faster, and its 32→48 one in float made it 1.6 % slower. On the recognizer the same 16→32 convolution made no
/// measurable difference. On the detector it is also the layer whose uint8 output cost accuracy most.
/// The fusion is that of ONNX Runtime's NCHWc layout, which its CPU provider uses on x86-64 with AVX2 or AVX-512 at the
/// highest optimization level (ONNX Runtime's default) and only for 2-D convolutions; elsewhere the layer runs as a plain
/// float Conv with the hardswish behind it.
/// </summary>
internal static class OrtCpuHardSwishConvs
{
    /// <summary>The longest reduction (input channels per group × kernel elements) for which float was measured faster.</summary>
    public const int MaxReduction = 16;

    /// <summary>Why <paramref name="conv"/> stays float, or null when it is quantized as usual.</summary>
    public static string? FloatReason(OnnxGraphIndex index, NodeProto conv)
    {
        if (conv.OpType != "Conv" || !OnnxGraphIndex.IsDefaultDomain(conv) || conv.Input.Count < 2
            || index.Constant(conv.Input[1]) is not { Dims.Count: 4 } weight
            || (NodeAttributes.Int(conv, "group") ?? 1) != 1)
        {
            return null;
        }

        long reduction = weight.Dims.Skip(1).Aggregate(1L, (a, d) => a * d);
        if (reduction > MaxReduction || ReadByHardSwishOnly(index, conv.Output[0]) is not string hardSwish)
        {
            return null;
        }

        return $"kept in float: its only reader is a hardswish ({hardSwish}), which ONNX Runtime fuses into a float Conv but runs "
            + $"as two float passes after two dequantizations behind a QLinearConv; with a reduction of {reduction} values "
            + $"(≤ {MaxReduction}) the integer Conv does not win that back";
    }

    /// <summary>The hardswish reading <paramref name="tensor"/> ("HardSigmoid 'a' · Mul 'b'" or "HardSwish 'a'"), when nothing else reads it.</summary>
    private static string? ReadByHardSwishOnly(OnnxGraphIndex index, string tensor)
    {
        if (index.GraphOutputs.Contains(tensor))
        {
            return null;
        }

        var readers = index.Consumers(tensor);
        if (readers is [{ Node: { OpType: "HardSwish" } single }] && OnnxGraphIndex.IsDefaultDomain(single)
            && !index.GraphOutputs.Contains(single.Output[0]))
        {
            return $"HardSwish '{single.Name}'";
        }

        if (readers.Count != 2 || readers.FirstOrDefault(r => r.Node.OpType == "HardSigmoid").Node is not { } gate
            || readers.FirstOrDefault(r => r.Node.OpType == "Mul").Node is not { } mul
            || !OnnxGraphIndex.IsDefaultDomain(gate) || !OnnxGraphIndex.IsDefaultDomain(mul)
            || Math.Abs((NodeAttributes.Float(gate, "alpha") ?? 0.2f) - (1f / 6f)) > 1e-6f || Math.Abs((NodeAttributes.Float(gate, "beta") ?? 0.5f) - 0.5f) > 1e-6f
            || mul.Input.Count != 2 || !mul.Input.Contains(tensor) || !mul.Input.Contains(gate.Output[0])
            || index.Consumers(gate.Output[0]).Count != 1 || index.GraphOutputs.Contains(gate.Output[0])
            || index.GraphOutputs.Contains(mul.Output[0]))
        {
            return null;
        }

        return $"HardSigmoid '{gate.Name}' · Mul '{mul.Name}'";
    }
}
