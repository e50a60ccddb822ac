namespace TrtSharp.Tools.Conformance;

/// <summary>How one backend test case ended.</summary>
public enum ConformanceOutcome
{
    /// <summary>Every output matched the reference within tolerance.</summary>
    Passed,
    /// <summary>The model ran but an output differs from the reference.</summary>
    Failed,
    /// <summary>The model could not be loaded or run, or its data could not be read.</summary>
    Error,
    /// <summary>The model draws random numbers: output types and shapes matched the reference, values were not compared.</summary>
    Nondeterministic,
}
