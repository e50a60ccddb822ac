using TrtSharp.Comparison;
using TrtSharp.Tensors;

namespace TrtSharp.Tools.Conformance;

/// <summary>Compares sequences and optionals element by element, tensors with <see cref="TensorComparison"/>.</summary>
internal static class ModelValueComparison
{
    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/>, else why not.</summary>
    /// <remarks>A present optional matches its bare element: ONNX Runtime hands optionals out unwrapped.</remarks>
    public static string? Compare(ModelValue actual, ModelValue expected, Tolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        switch (expected)
        {
            case OptionalValue { Element: null }:
                return actual is OptionalValue { Element: null } ? null : $"expected an absent optional, got {actual.Describe()}";
            case OptionalValue { Element: { } inner }:
                return Compare(actual is OptionalValue { Element: { } a } ? a : actual, inner, tolerance);
            case SequenceValue es:
                if (actual is not SequenceValue sa)
                {
                    return $"expected a sequence, got {actual.Describe()}";
                }
                if (sa.Elements.Count != es.Elements.Count)
                {
                    return $"sequence has {sa.Elements.Count} elements, expected {es.Elements.Count}";
                }
                for (int i = 0; i < es.Elements.Count; i++)
                {
                    if (Compare(sa.Elements[i], es.Elements[i], tolerance) is { } why)
                    {
                        return $"element {i}: {why}";
                    }
                }
                return null;
            case TensorValue et:
                if (actual is not TensorValue ta)
                {
                    return $"expected a tensor, got {actual.Describe()}";
                }
                var comparison = TensorComparison.Compare(ta.Tensor, et.Tensor, tolerance);
                return comparison.Passed ? null : comparison.Reason;
            default:
                return $"cannot compare {expected.GetType().Name}";
        }
    }
}
