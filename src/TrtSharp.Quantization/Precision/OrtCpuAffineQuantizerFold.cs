using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Folds a scalar affine y = s·h + b (Mul by a constant s &gt; 0, then Add of a constant b; PP-LCNet's "learnable affine"
/// after each hardswish, in front of a padded depthwise conv that <see cref="ConvAffineFolding"/> must leave alone) into
/// the uint8 quantizer y gets anyway. With y's parameters (S, Z) and k = b/S an integer,
/// Q(y; S, Z) = round(s·h/S) + k + Z = Q(h; S/s, Z + k), so a QuantizeLinear on h with (S/s, Z + k) read by a
/// DequantizeLinear with (S, Z) gives what Q/DQ on y gave (equal up to rounding at ties and float error), and the Mul
/// and Add (two float passes) go. The one change is S itself: it is moved to the nearest scale that makes b whole steps,
/// b/k with k = round(b/S), at most <see cref="MaxScaleChange"/> from the range's scale either way (a narrower scale
/// clips at most that share of the range's top, like a calibrated range does; widening only, k = trunc(b/S), measured
/// worse on PP-OCR's detector, docs/real-models.md); where b is under half a step (k = 0) or the move would be larger,
/// nothing is folded.
/// </summary>
internal static class OrtCpuAffineQuantizerFold
{
    /// <summary>Largest relative move of y's scale that makes b a whole number of steps (|k| ≥ 4 always qualifies).</summary>
    public const float MaxScaleChange = 0.125f;

    /// <summary>
    /// Folds the chain starting at <paramref name="mul"/> when it matches; false leaves the graph as it was.
    /// <paramref name="quantizesInput"/> tells whether a reader of y certainly takes that input slot through a
    /// DequantizeLinear in this placement: only then is y quantized anyway. <paramref name="mayChange"/> tells whether the
    /// Add may be removed (not excluded, not kept float by the user).
    /// </summary>
    public static bool TryFold(QdqGraphEditor editor, QdqContext context, NodeProto mul, string name, Func<NodeProto, int, bool> quantizesInput,
        Func<NodeProto, bool> mayChange)
    {
        var index = editor.Index;
        if (Match(index, mul, quantizesInput, mayChange) is not var (h, s, add, b))
        {
            return false;
        }

        // h may already be the output of a DequantizeLinear this placement added (a quantized Relu in front): the new Q
        // then reads the float tensor behind it, after that tensor's producer, rather than requantizing the DQ output
        // (a second rounding, and a Q with no producer in the index, which would land in the prologue before its input).
        // Only when that DQ stands for what the Mul read in the model: a DQ that replaced a folded Max(x, c) stands for
        // the clamped value, and quantizing x afresh would drop the clamp.
        if (editor.SourceOf(h) is string source)
        {
            if (!index.Consumers(source).Any(c => ReferenceEquals(c.Node, mul)) || index.Producer(source) is { } producer && editor.IsRemoved(producer))
            {
                return false;
            }

            h = source;
        }

        var y = add.Output[0];
        var range = context.RangeOf(y);
        var (rangeScale, _) = QuantizationMath.AsymmetricUInt8(range.Min, range.Max);
        var k = (int)MathF.Round(b / rangeScale, MidpointRounding.AwayFromZero);
        var scale = b == 0f ? rangeScale : k == 0 ? 0f : b / k;
        if (scale <= 0f || MathF.Abs(scale / rangeScale - 1f) > MaxScaleChange)
        {
            return false;
        }

        var zeroPoint = QuantizationMath.UInt8ZeroPoint(range.Min, scale);
        if (zeroPoint + k is < 0 or > 255)
        {
            return false;
        }

        var dq = editor.QuantizeActivationAs(h, new QuantParams((int)TensorElementType.UInt8, scale / s, zeroPoint + k), y,
            new QuantParams((int)TensorElementType.UInt8, scale, zeroPoint),
            $"Q on '{h}' (scale {scale / s:R}, zero point {zeroPoint + k}) stands for '{y}' = {s:R}·h + {b:R} (scale {scale:R}, zero point {zeroPoint}; " +
            $"b is {k} steps, scale moved {100f * (scale / rangeScale - 1f):+0.0;-0.0}% from the range's)");
        foreach (var (consumer, slot) in index.Consumers(y))
        {
            consumer.Input[slot] = dq;
        }

        editor.Remove(mul);
        editor.Remove(add);
        var addName = QdqContext.DisplayName(add, index);
        var reason = $"scalar affine {s:R}·h + {b:R} ('{name}', '{addName}') folded into the uint8 quantizer of '{y}': Q on '{h}' with scale S/{s:R} " +
            $"and zero point Z + {k}, read by the DQ with (S, Z) (b = {k}·S; equal to Q/DQ on the sum up to rounding at ties), so two float passes go";
        context.Decide(mul, name, NodeStatus.Folded, reason);
        context.Decide(add, addName, NodeStatus.Folded, reason);
        return true;
    }

    private static (string H, float S, NodeProto Add, float B)? Match(OnnxGraphIndex index, NodeProto mul, Func<NodeProto, int, bool> quantizesInput,
        Func<NodeProto, bool> mayChange)
    {
        if (mul.OpType != "Mul" || !OnnxGraphIndex.IsDefaultDomain(mul) || mul.Input.Count != 2 || ScalarSlot(index, mul) is not int sSlot)
        {
            return null;
        }

        var h = mul.Input[1 - sSlot];
        var s = Scalar(index, mul.Input[sSlot]);
        var m = mul.Output[0];
        var readers = index.Consumers(m);
        if (!(s > 0f) || index.IsConstant(h) || index.ElementType(h) is not (null or (int)TensorElementType.Float)
            || index.GraphOutputs.Contains(m) || readers.Count != 1 || readers[0].Node is not { OpType: "Add" } add || !OnnxGraphIndex.IsDefaultDomain(add)
            || add.Input.Count != 2 || ScalarSlot(index, add) is not int bSlot || add.Input[1 - bSlot] != m || !mayChange(add))
        {
            return null;
        }

        // y must be a tensor that gets Q/DQ anyway: every reader quantizes it, so folding adds no rounding of its own.
        var y = add.Output[0];
        var yReaders = index.Consumers(y);
        if (index.GraphOutputs.Contains(y) || yReaders.Count == 0 || !yReaders.All(r => quantizesInput(r.Node, r.Input)))
        {
            return null;
        }

        return (h, s, add, Scalar(index, add.Input[bSlot]));
    }

    private static int? ScalarSlot(OnnxGraphIndex index, NodeProto node) =>
        IsFloatScalar(index, node.Input[1]) ? 1 : IsFloatScalar(index, node.Input[0]) ? 0 : null;

    private static bool IsFloatScalar(OnnxGraphIndex index, string name) =>
        index.Constant(name) is { DataType: (int)TensorElementType.Float } t && OnnxTensors.ReadFiniteFloats(t).Length == 1;

    private static float Scalar(OnnxGraphIndex index, string name) => OnnxTensors.ReadFiniteFloats(index.Constant(name)!)[0];
}
