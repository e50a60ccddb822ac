namespace TrtSharp.Quantization.Precision;

/// <summary>The calibrated range of one tensor's values.</summary>
/// <param name="Min">Smallest value seen (or the calibrated lower bound).</param>
/// <param name="Max">Largest value seen (or the calibrated upper bound).</param>
public readonly record struct TensorRange(float Min, float Max)
{
    /// <summary>The symmetric bound max(|Min|, |Max|), the only figure symmetric INT8 needs.</summary>
    public float Amax => MathF.Max(MathF.Abs(Min), MathF.Abs(Max));

    /// <summary>A symmetric range [-amax, amax], for callers that only calibrated amax.</summary>
    public static TensorRange FromAmax(float amax) => new(-amax, amax);
}
