using TrtSharp.Comparison;

namespace TrtSharp.Tools.Conformance;

/// <summary>
/// Cases whose reference data needs a looser tolerance than the default, as the ONNX backend
/// test definitions themselves declare (onnx/backend/test/case: per-case rtol/atol).
/// </summary>
public static class ConformanceTolerances
{
    /// <summary>Known per-case tolerances.</summary>
    public static IReadOnlyDictionary<string, Tolerance> Known { get; } = new Dictionary<string, Tolerance>(StringComparer.Ordinal);
}
