namespace TrtSharp.Quantization.Calibration;

/// <summary>One tensor's calibration facts: its observed range, the threshold each method picks, and what is clipped.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Count">Values seen.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="AmaxByMethod">amax chosen by each calibration method.</param>
/// <param name="ChosenMethod">The method whose amax is used.</param>
/// <param name="Amax">The amax used (scale = amax / 127).</param>
/// <param name="SaturationPercent">Percentage of values with |x| beyond <paramref name="Amax"/> (clipped when quantized), from the histogram.</param>
public sealed record TensorRangeReport(string Name, long Count, float Min, float Max, IReadOnlyDictionary<CalibrationMethod, float> AmaxByMethod,
    CalibrationMethod ChosenMethod, float Amax, double SaturationPercent)
{
    /// <summary>Why <see cref="ChosenMethod"/> was used for this tensor (set when the automatic choice decided it).</summary>
    public string? Reason { get; init; }

    /// <summary>The same facts with <paramref name="method"/>'s amax chosen instead (every method's amax is already computed).</summary>
    public TensorRangeReport WithMethod(CalibrationMethod method, Histogram histogram, string? reason = null)
    {
        float amax = AmaxByMethod.TryGetValue(method, out float a) ? a : Amax;
        return this with { ChosenMethod = method, Amax = amax, SaturationPercent = Saturation(histogram, amax), Reason = reason };
    }

    /// <summary>Computes every method's amax for <paramref name="statistics"/> and the saturation of the chosen one.</summary>
    public static TensorRangeReport From(TensorStatistics statistics, CalibrationMethod chosen, double percentile)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var byMethod = new Dictionary<CalibrationMethod, float>();
        foreach (CalibrationMethod method in Enum.GetValues<CalibrationMethod>())
        {
            byMethod[method] = statistics.Count == 0 ? 0 : RangeAlgorithms.Create(method, percentile).ComputeAmax(statistics.Histogram);
        }
        float amax = byMethod[chosen];
        return new TensorRangeReport(statistics.TensorName, statistics.Count, statistics.Min, statistics.Max, byMethod, chosen, amax,
            Saturation(statistics.Histogram, amax));
    }

    /// <summary>
    /// <see cref="From"/> for every tensor, in order. The tensors are independent and each costs a few milliseconds
    /// (MSE and entropy each try ~1900 thresholds), so they are spread over the cores.
    /// </summary>
    public static List<TensorRangeReport> FromAll(IReadOnlyList<TensorStatistics> statistics, CalibrationMethod chosen, double percentile)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var reports = new TensorRangeReport[statistics.Count];
        Parallel.For(0, statistics.Count, i => reports[i] = From(statistics[i], chosen, percentile));
        return [.. reports];
    }

    /// <summary>Percentage of histogram counts in bins that lie wholly above <paramref name="amax"/>.</summary>
    public static double Saturation(Histogram histogram, float amax)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0 || histogram.BinWidth <= 0)
        {
            return 0;
        }
        var counts = histogram.Counts;
        int first = (int)Math.Min(counts.Length, Math.Ceiling(amax / histogram.BinWidth));
        long clipped = 0;
        for (int i = first; i < counts.Length; i++)
        {
            clipped += counts[i];
        }
        return 100.0 * clipped / histogram.TotalCount;
    }
}
