namespace TrtSharp.Comparison;

/// <summary>An output that could not be compared: missing on one side, or not a tensor of numbers.</summary>
/// <param name="Name">Output name.</param>
/// <param name="Reason">What is wrong, in one sentence.</param>
/// <param name="FailsComparison">Whether it makes the whole comparison fail (a reference output missing does).</param>
public sealed record UnpairedOutput(string Name, string Reason, bool FailsComparison);

/// <summary>A model input as it was fed to both sides.</summary>
/// <param name="Name">Input name.</param>
/// <param name="Type">Element type name.</param>
/// <param name="Shape">Concrete shape.</param>
/// <param name="Source">Where the values came from: a file, or "random (seed N)".</param>
public sealed record InputSummary(string Name, string Type, long[] Shape, string Source);

/// <summary>The result of comparing every output of one model with a reference.</summary>
/// <param name="Actual">The compared model or plan (a).</param>
/// <param name="Reference">The reference (b).</param>
/// <param name="Check">The default check.</param>
/// <param name="Inputs">What both sides were fed.</param>
/// <param name="Outputs">One comparison per paired output, in the reference's order.</param>
/// <param name="Unpaired">Outputs that exist on one side only.</param>
public sealed record ComparisonReport(string Actual, string Reference, ErrorCheck Check, IReadOnlyList<InputSummary> Inputs,
    IReadOnlyList<OutputComparison> Outputs, IReadOnlyList<UnpairedOutput> Unpaired)
{
    /// <summary>True when every paired output passed and no reference output is missing.</summary>
    public bool Passed => Outputs.All(o => o.Passed) && !Unpaired.Any(u => u.FailsComparison) && Outputs.Count > 0;
}
