using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Every tensor's range under one preferred method, guarded against collapse: where the method's amax clips the tensor
/// hard (<see cref="ClippingCheck"/>) — entropy can pick a fraction of the range on spiky activations and silently ruin a
/// model — the tensor falls back to percentile, then to max, which never clips.
/// </summary>
internal static class GuardedRanges
{
    public static List<TensorRangeReport> For(IReadOnlyList<TensorRangeReport> reports, IReadOnlyDictionary<string, Histogram> histograms,
        CalibrationMethod preferred, out int fallBacks)
    {
        fallBacks = 0;
        var result = new List<TensorRangeReport>(reports.Count);
        foreach (TensorRangeReport report in reports)
        {
            Histogram histogram = histograms[report.Name];
            TensorRangeReport chosen = report.WithMethod(preferred, histogram, $"{Name(preferred)} for every tensor");
            foreach (CalibrationMethod fallback in new[] { CalibrationMethod.Percentile, CalibrationMethod.Max })
            {
                if (!ClippingCheck.IsSuspect(chosen) || fallback == chosen.ChosenMethod)
                {
                    continue;
                }
                chosen = report.WithMethod(fallback, histogram,
                    $"{Name(preferred)} clips {report.WithMethod(preferred, histogram).SaturationPercent:0.##}% of the values (collapse guard): {Name(fallback)} used");
            }
            if (chosen.ChosenMethod != preferred)
            {
                fallBacks++;
            }
            result.Add(chosen);
        }
        return result;
    }

    public static string Name(CalibrationMethod method) => method.ToString().ToLowerInvariant();
}
