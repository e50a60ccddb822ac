using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>The half-precision type AutoCast converts to.</summary>
public enum ReducedPrecision
{
    /// <summary>IEEE half: 10-bit mantissa, largest finite value 65504.</summary>
    Float16,

    /// <summary>Brain float: float32's range, 7-bit mantissa.</summary>
    BFloat16,
}

/// <summary>Facts about the reduced-precision types.</summary>
internal static class ReducedPrecisionInfo
{
    /// <summary>The ONNX element type.</summary>
    public static TensorElementType ElementType(this ReducedPrecision p) => p == ReducedPrecision.Float16 ? TensorElementType.Float16 : TensorElementType.BFloat16;

    /// <summary>Largest finite value.</summary>
    public static double MaxValue(this ReducedPrecision p) => p == ReducedPrecision.Float16 ? 65504 : 3.3895313892515355e38;

    /// <summary>Smallest positive normal value; below it precision falls off (subnormals), below half the smallest subnormal values become 0.</summary>
    public static double MinNormal(this ReducedPrecision p) => p == ReducedPrecision.Float16 ? 6.103515625e-5 : 1.1754943508222875e-38;

    /// <summary>Smallest positive subnormal value.</summary>
    public static double MinSubnormal(this ReducedPrecision p) => p == ReducedPrecision.Float16 ? 5.960464477539063e-8 : 9.183549615799121e-41;

    /// <summary>Name used in options and reports ("fp16", "bf16").</summary>
    public static string Name(this ReducedPrecision p) => p == ReducedPrecision.Float16 ? "fp16" : "bf16";

    /// <summary>Parses "fp16"/"float16"/"half" or "bf16"/"bfloat16".</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static ReducedPrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp16" or "float16" or "half" => ReducedPrecision.Float16,
        "bf16" or "bfloat16" => ReducedPrecision.BFloat16,
        _ => throw new ArgumentException($"unknown precision '{text}': use fp16 or bf16"),
    };

    /// <summary>Rounds a float to the target type and back (round to nearest even, overflow to ±∞).</summary>
    public static float Round(this ReducedPrecision p, float value) =>
        p == ReducedPrecision.Float16 ? (float)(Half)value : BFloat16.FromSingle(value).ToSingle();
}
