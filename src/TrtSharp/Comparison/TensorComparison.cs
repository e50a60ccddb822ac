using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>The outcome of comparing one tensor with its reference.</summary>
/// <param name="Passed">True when shapes and types match and every element is within tolerance.</param>
/// <param name="Reason">Why it failed (empty when it passed).</param>
/// <param name="MaxAbsoluteError">Largest |actual − expected| over finite pairs.</param>
/// <param name="MaxRelativeError">Largest |actual − expected| / |expected| over finite pairs with expected ≠ 0.</param>
/// <param name="MismatchCount">Number of elements outside tolerance.</param>
/// <param name="FirstMismatchIndex">Flat index of the first element outside tolerance, or -1.</param>
public sealed record TensorComparison(bool Passed, string Reason, double MaxAbsoluteError, double MaxRelativeError, long MismatchCount, long FirstMismatchIndex)
{
    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="expected"/>: same element type and shape, then
    /// element-wise within <paramref name="tolerance"/> for floating types, exactly for integers, booleans and strings.
    /// </summary>
    public static TensorComparison Compare(HostTensor actual, HostTensor expected, Tolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        if (actual.ElementType != expected.ElementType)
        {
            return Fail($"element type {TensorElementTypeInfo.Name(actual.ElementType)} != expected {TensorElementTypeInfo.Name(expected.ElementType)}");
        }
        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            return Fail($"shape {HostTensor.FormatShape(actual.Shape)} != expected {HostTensor.FormatShape(expected.Shape)}");
        }
        if (actual is StringTensor sa && expected is StringTensor se)
        {
            for (int i = 0; i < sa.Data.Length; i++)
            {
                if (!string.Equals(sa.Data[i], se.Data[i], StringComparison.Ordinal))
                {
                    return new TensorComparison(false, $"string {i}: '{sa.Data[i]}' != '{se.Data[i]}'", 0, 0, 1, i);
                }
            }
            return new TensorComparison(true, string.Empty, 0, 0, 0, -1);
        }
        if (!TensorValues.IsNumeric(actual))
        {
            return actual.AsBytes().SequenceEqual(expected.AsBytes())
                ? new TensorComparison(true, string.Empty, 0, 0, 0, -1)
                : Fail($"{TensorElementTypeInfo.Name(actual.ElementType)} bytes differ");
        }

        bool exact = !TensorElementTypeInfo.IsFloatingPoint(actual.ElementType);
        var effective = exact ? new Tolerance(0, 0) : tolerance;
        double[] a = TensorValues.ToDoubles(actual);
        double[] e = TensorValues.ToDoubles(expected);
        double maxAbs = 0, maxRel = 0;
        long mismatches = 0, first = -1;
        for (int i = 0; i < a.Length; i++)
        {
            if (!effective.Accepts(a[i], e[i]))
            {
                mismatches++;
                if (first < 0)
                {
                    first = i;
                }
            }
            double diff = Math.Abs(a[i] - e[i]);
            if (double.IsFinite(diff))
            {
                maxAbs = Math.Max(maxAbs, diff);
                if (e[i] != 0)
                {
                    maxRel = Math.Max(maxRel, diff / Math.Abs(e[i]));
                }
            }
        }
        if (mismatches == 0)
        {
            return new TensorComparison(true, string.Empty, maxAbs, maxRel, 0, -1);
        }
        string rule = exact ? "exact match" : effective.ToString();
        string reason = $"{mismatches} of {a.Length} elements outside {rule}; first at {first}: {a[first]:g9} vs expected {e[first]:g9}; max abs err {maxAbs:g3}";
        return new TensorComparison(false, reason, maxAbs, maxRel, mismatches, first);
    }

    private static TensorComparison Fail(string reason) => new(false, reason, double.NaN, double.NaN, -1, -1);
}
