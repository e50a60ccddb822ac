using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>
/// Everything a person needs to judge one output against its reference: statistics of each side,
/// of the absolute and relative error, similarity, the tolerance that would have passed, and the verdict.
/// </summary>
public sealed record OutputComparison(
    string Name,
    bool Passed,
    string Reason,
    ValueStatistics Actual,
    ValueStatistics Reference,
    ValueStatistics AbsoluteError,
    ValueStatistics RelativeError,
    double ChosenQuantileAbsoluteError,
    double Cosine,
    double SnrDb,
    double RequiredAbsoluteTolerance,
    double RequiredRelativeTolerance,
    long[] ErrorHistogram,
    double ErrorHistogramMax)
{
    /// <summary>Elements that are NaN or ±∞ on one side only (or infinities of opposite sign); any makes the output fail.</summary>
    public long NonFiniteMismatches { get; init; }

    /// <summary>Bins of <see cref="ErrorHistogram"/>.</summary>
    public const int HistogramBins = 10;

    /// <summary>Compares <paramref name="actual"/> with <paramref name="reference"/> under <paramref name="check"/>.</summary>
    public static OutputComparison Compare(string name, HostTensor actual, HostTensor reference, ErrorCheck check)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reference);
        if (!actual.Shape.SequenceEqual(reference.Shape))
        {
            return Mismatch(name, $"shape {HostTensor.FormatShape(actual.Shape)} vs reference {HostTensor.FormatShape(reference.Shape)}");
        }
        if (!TensorValues.IsNumeric(actual) || !TensorValues.IsNumeric(reference))
        {
            var exact = TensorComparison.Compare(actual, reference, new Tolerance(0, 0));
            return Mismatch(name, exact.Passed ? string.Empty : exact.Reason) with { Passed = exact.Passed };
        }
        double[] a = TensorValues.ToDoubles(actual);
        double[] b = TensorValues.ToDoubles(reference);
        return Compare(name, a, b, check, actual.ElementType != reference.ElementType
            ? $"element types differ ({TensorElementTypeInfo.Name(actual.ElementType)} vs {TensorElementTypeInfo.Name(reference.ElementType)}); compared as numbers"
            : null);
    }

    /// <summary>Compares two value arrays of equal length.</summary>
    public static OutputComparison Compare(string name, double[] a, double[] b, ErrorCheck check, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = a.Length;
        var abs = new double[n];
        var rel = new double[n];
        var absB = new double[n];
        long nanMismatch = 0;
        for (int i = 0; i < n; i++)
        {
            // NaN or ±∞ on one side only (or infinities of opposite sign) fail every check: the statistics below skip
            // non-finite values, so they must not decide.
            if (double.IsNaN(a[i]) != double.IsNaN(b[i]) || ((double.IsInfinity(a[i]) || double.IsInfinity(b[i])) && a[i] != b[i]))
            {
                nanMismatch++;
            }
            abs[i] = Math.Abs(a[i] - b[i]);
            absB[i] = Math.Abs(b[i]);
            rel[i] = absB[i] > 0 ? abs[i] / absB[i] : (abs[i] == 0 ? 0 : double.PositiveInfinity);
        }
        var absStats = ValueStatistics.Compute(abs);
        var relStats = ValueStatistics.Compute(rel);
        var refAbsStats = ValueStatistics.Compute(absB);
        double quantileAbs = Quantile(abs, check.Quantile);
        var tol = check.Tolerance;

        bool passed;
        string reason;
        if (nanMismatch > 0)
        {
            passed = false;
            reason = $"{nanMismatch} NaN or infinite value(s) on one side only";
        }
        else if (check.Statistic == ErrorStatistic.Max)
        {
            long bad = 0;
            for (int i = 0; i < n; i++)
            {
                if (!tol.Accepts(a[i], b[i]))
                {
                    bad++;
                }
            }
            passed = bad == 0;
            reason = passed ? string.Empty : $"{bad} of {n} elements exceed {tol}";
        }
        else
        {
            (double errStat, double refStat) = check.Statistic switch
            {
                ErrorStatistic.Mean => (absStats.Mean, refAbsStats.Mean),
                ErrorStatistic.Median => (absStats.Median, refAbsStats.Median),
                _ => (quantileAbs, Quantile(absB, check.Quantile)),
            };
            passed = errStat <= tol.AbsoluteTolerance + tol.RelativeTolerance * refStat;
            reason = passed ? string.Empty : $"{check.Statistic.ToString().ToLowerInvariant()} abs error {errStat:g4} exceeds atol + rtol·{refStat:g4} ({tol})";
        }
        if (note is not null)
        {
            reason = reason.Length == 0 ? note : $"{reason}; {note}";
        }

        double histMax = double.IsFinite(absStats.Max) ? absStats.Max : 0;
        var histogram = new long[HistogramBins];
        foreach (double e in abs)
        {
            if (double.IsFinite(e))
            {
                int bin = histMax > 0 ? (int)Math.Min(HistogramBins - 1, e / histMax * HistogramBins) : 0;
                histogram[bin]++;
            }
        }
        return new OutputComparison(name, passed, reason,
            ValueStatistics.Compute(a), ValueStatistics.Compute(b), absStats, relStats, quantileAbs,
            Similarity.Cosine(a, b), Similarity.SignalToNoiseDb(a, b),
            absStats.Max, relStats.Max, histogram, histMax) { NonFiniteMismatches = nanMismatch };
    }

    private static double Quantile(double[] values, double q)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        Array.Sort(finite);
        return ValueStatistics.PercentileOfSorted(finite, q * 100);
    }

    private static OutputComparison Mismatch(string name, string reason)
    {
        var empty = ValueStatistics.Compute([]);
        return new OutputComparison(name, false, reason, empty, empty, empty, empty, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, new long[HistogramBins], 0);
    }
}
