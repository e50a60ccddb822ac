namespace TrtSharp.Tools.Conformance;

/// <summary>All case results of one conformance run, with per-suite counts.</summary>
public sealed record ConformanceReport(string Backend, IReadOnlyList<ConformanceCaseResult> Cases)
{
    /// <summary>Number of cases that passed.</summary>
    public int Passed => Cases.Count(c => c.Outcome == ConformanceOutcome.Passed);

    /// <summary>Number of cases whose outputs differed.</summary>
    public int Failed => Cases.Count(c => c.Outcome == ConformanceOutcome.Failed);

    /// <summary>Number of cases that could not run.</summary>
    public int Errors => Cases.Count(c => c.Outcome == ConformanceOutcome.Error);

    /// <summary>Number of random cases whose output types and shapes matched (values not compared).</summary>
    public int Nondeterministic => Cases.Count(c => c.Outcome == ConformanceOutcome.Nondeterministic);

    /// <summary>Counts per suite, in suite name order; a case is in exactly one count.</summary>
    public IReadOnlyList<(string Suite, int Passed, int Failed, int Errors, int Nondeterministic)> BySuite() =>
        Cases.GroupBy(c => c.Suite, StringComparer.Ordinal)
             .OrderBy(g => g.Key, StringComparer.Ordinal)
             .Select(g => (g.Key,
                 g.Count(c => c.Outcome == ConformanceOutcome.Passed),
                 g.Count(c => c.Outcome == ConformanceOutcome.Failed),
                 g.Count(c => c.Outcome == ConformanceOutcome.Error),
                 g.Count(c => c.Outcome == ConformanceOutcome.Nondeterministic)))
             .ToList();

    /// <summary>One summary line, e.g. "1021 passed, 12 failed, 30 errors (1063 cases)".</summary>
    public string Summary => $"{Passed} passed, {Failed} failed, {Errors} errors"
        + (Nondeterministic > 0 ? $", {Nondeterministic} nondeterministic (types and shapes only)" : string.Empty) + $" ({Cases.Count} cases)";
}
