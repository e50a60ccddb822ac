namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// Flags ranges that clip a tensor hard: a method (typically entropy) can pick an amax far below what the data reaches
/// and saturate a real share of values, which can ruin a model's outputs while every number still looks plausible.
/// </summary>
public static class ClippingCheck
{
    /// <summary>Clipped share (percent) above which a range is suspect whatever its amax.</summary>
    public const double ClippedPercentLimit = 1.0;

    /// <summary>Clipped share (percent) above which a range that is also below half the observed |max| is suspect.</summary>
    public const double NarrowClippedPercentLimit = 0.1;

    /// <summary>The ranges in <paramref name="ranges"/> that are suspect, most clipped first.</summary>
    public static IReadOnlyList<TensorRangeReport> Suspects(IEnumerable<TensorRangeReport> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        return [.. ranges.Where(IsSuspect).OrderByDescending(r => r.SaturationPercent).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// True when the chosen amax clips more than <see cref="ClippedPercentLimit"/>% of the values, or lies below half the
    /// observed |max| and clips more than <see cref="NarrowClippedPercentLimit"/>%.
    /// </summary>
    public static bool IsSuspect(TensorRangeReport range)
    {
        ArgumentNullException.ThrowIfNull(range);
        float observed = Math.Max(Math.Abs(range.Min), Math.Abs(range.Max));
        return range.Count > 0 && observed > 0 && range.Amax < observed
            && (range.SaturationPercent > ClippedPercentLimit
                || (range.Amax < 0.5f * observed && range.SaturationPercent > NarrowClippedPercentLimit));
    }

    /// <summary>One line for a suspect range: what is clipped, and the amax that max and percentile would use.</summary>
    public static string Describe(TensorRangeReport range)
    {
        ArgumentNullException.ThrowIfNull(range);
        float observed = Math.Max(Math.Abs(range.Min), Math.Abs(range.Max));
        string method = range.ChosenMethod.ToString().ToLowerInvariant();
        string alternatives = string.Join(", ", new[] { CalibrationMethod.Max, CalibrationMethod.Percentile }
            .Where(range.AmaxByMethod.ContainsKey)
            .Select(m => $"{m.ToString().ToLowerInvariant()} {range.AmaxByMethod[m]:G4}"));
        return $"tensor '{range.Name}': the {method} range ±{range.Amax:G4} is {range.Amax / observed:0.##}× the observed |max| {observed:G4} and clips {range.SaturationPercent:0.##}% of its values; "
            + $"try --method max or percentile{(alternatives.Length > 0 ? $" (amax {alternatives})" : string.Empty)}, or keep its consumers in float";
    }
}
