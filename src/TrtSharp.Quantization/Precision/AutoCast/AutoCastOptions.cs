namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>What <see cref="AutoCaster"/> converts and what it keeps in float32.</summary>
public sealed record AutoCastOptions
{
    /// <summary>The reduced-precision type (default FP16).</summary>
    public ReducedPrecision Target { get; init; } = ReducedPrecision.Float16;

    /// <summary>Graph inputs and outputs stay float32 (Casts at the edges), so callers feed and read what they did before.</summary>
    public bool KeepIoTypes { get; init; } = true;

    /// <summary>
    /// Operator types (glob patterns) kept in float32, with the reason reported for each. Default
    /// <see cref="DefaultKeepOpTypes"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> KeepOpTypes { get; init; } = DefaultKeepOpTypes;

    /// <summary>Node names (glob patterns) kept in float32 (e.g. the list a sensitivity search wrote).</summary>
    public IReadOnlyList<string> KeepNodes { get; init; } = [];

    /// <summary>
    /// A tensor whose observed magnitude times this factor exceeds the target type's largest value stays float32
    /// (data seen at preparation time is not all the data the model will see).
    /// </summary>
    public double OverflowHeadroom { get; init; } = 2;

    /// <summary>
    /// Share of a tensor's non-zero values that may fall below the target's smallest normal value (activations) or
    /// round to zero (weights) before the tensor stays float32.
    /// </summary>
    public double UnderflowFraction { get; init; } = 0.01;

    /// <summary>Samples (batches) of the dataset the data-driven rules read at most.</summary>
    public int MaxSamples { get; init; } = 64;

    /// <summary>
    /// Operators that are fragile in half precision, kept float32 by default: reductions accumulate in their tensor's
    /// type, exponentials and logarithms leave FP16's range or precision, normalizations compute statistics.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultKeepOpTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ReduceSum"] = "a reduction accumulates in its tensor's type",
        ["ReduceSumSquare"] = "a reduction accumulates in its tensor's type",
        ["ReduceMean"] = "a reduction accumulates in its tensor's type",
        ["ReduceProd"] = "a reduction accumulates in its tensor's type",
        ["ReduceL1"] = "a reduction accumulates in its tensor's type",
        ["ReduceL2"] = "a reduction accumulates in its tensor's type",
        ["ReduceLogSum"] = "a reduction accumulates in its tensor's type",
        ["ReduceLogSumExp"] = "a reduction accumulates in its tensor's type",
        ["CumSum"] = "a running sum accumulates in its tensor's type",
        ["Exp"] = "exponentials overflow half precision quickly (e^11.1 > 65504)",
        ["Pow"] = "powers overflow or underflow half precision",
        ["Log"] = "logarithms of small values lose half precision's few bits",
        ["LayerNormalization"] = "normalization statistics (mean, variance) need float32",
        ["InstanceNormalization"] = "normalization statistics (mean, variance) need float32",
        ["GroupNormalization"] = "normalization statistics (mean, variance) need float32",
        ["MeanVarianceNormalization"] = "normalization statistics (mean, variance) need float32",
        ["LpNormalization"] = "a norm sums squares in its tensor's type",
    };

    /// <summary>Checks the numbers.</summary>
    /// <exception cref="ArgumentException">The first bad one.</exception>
    public void Validate()
    {
        if (!(OverflowHeadroom >= 1))
        {
            throw new ArgumentException($"the overflow headroom must be at least 1, got {OverflowHeadroom}");
        }
        if (!(UnderflowFraction is >= 0 and <= 1))
        {
            throw new ArgumentException($"the underflow fraction must be in [0, 1], got {UnderflowFraction}");
        }
        if (MaxSamples < 1)
        {
            throw new ArgumentException($"the number of samples must be at least 1, got {MaxSamples}");
        }
    }
}
