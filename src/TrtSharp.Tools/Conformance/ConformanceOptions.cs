using TrtSharp.Comparison;

namespace TrtSharp.Tools.Conformance;

/// <summary>How a conformance run compares outputs and which cases it runs.</summary>
public sealed class ConformanceOptions
{
    /// <summary>Tolerance for floating outputs unless a case has its own (default: rtol 1e-3, atol 1e-7).</summary>
    public Tolerance DefaultTolerance { get; init; } = Tolerance.OnnxBackendDefault;

    /// <summary>Per-case tolerances, keyed by case name (e.g. "test_gelu_tanh_1").</summary>
    public IReadOnlyDictionary<string, Tolerance> CaseTolerances { get; init; } = ConformanceTolerances.Known;

    /// <summary>Only cases whose name contains this text (ordinal), or all when null.</summary>
    public string? Filter { get; init; }
}
