namespace TrtSharp.Comparison;

/// <summary>
/// NumPy <c>allclose</c>-style tolerance: |actual − expected| ≤ atol + rtol·|expected|.
/// Integer and boolean tensors are always compared exactly.
/// </summary>
public readonly record struct Tolerance(double RelativeTolerance, double AbsoluteTolerance)
{
    /// <summary>The ONNX backend test default (rtol 1e-3, atol 1e-7).</summary>
    public static Tolerance OnnxBackendDefault { get; } = new(1e-3, 1e-7);

    /// <summary>True when <paramref name="actual"/> is within tolerance of <paramref name="expected"/> (NaN equals NaN).</summary>
    public bool Accepts(double actual, double expected)
    {
        if (double.IsNaN(actual) || double.IsNaN(expected))
        {
            return double.IsNaN(actual) && double.IsNaN(expected);
        }
        if (double.IsInfinity(actual) || double.IsInfinity(expected))
        {
            return actual == expected;
        }
        return Math.Abs(actual - expected) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(expected);
    }

    /// <inheritdoc/>
    public override string ToString() => $"rtol={RelativeTolerance:g3}, atol={AbsoluteTolerance:g3}";
}
