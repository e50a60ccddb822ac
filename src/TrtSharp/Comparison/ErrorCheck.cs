using System.Globalization;

namespace TrtSharp.Comparison;

/// <summary>Which statistic of the element-wise error decides pass/fail (Polygraphy's --check-error-stat).</summary>
public enum ErrorStatistic
{
    /// <summary>Every element must satisfy |a−b| ≤ atol + rtol·|b|.</summary>
    Max,
    /// <summary>mean|a−b| ≤ atol + rtol·mean|b|.</summary>
    Mean,
    /// <summary>median|a−b| ≤ atol + rtol·median|b|.</summary>
    Median,
    /// <summary>quantile_q|a−b| ≤ atol + rtol·quantile_q|b|.</summary>
    Quantile,
}

/// <summary>A pass/fail rule: tolerance plus the error statistic it applies to.</summary>
public readonly record struct ErrorCheck(Tolerance Tolerance, ErrorStatistic Statistic, double Quantile = 0.99)
{
    /// <summary>Parses "max", "mean", "median" or "quantile:0.99".</summary>
    public static (ErrorStatistic Statistic, double Quantile) ParseStatistic(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t.StartsWith("quantile:", StringComparison.Ordinal))
        {
            if (!double.TryParse(t["quantile:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double q) || q is <= 0 or > 1)
            {
                throw new FormatException($"'{text}': the quantile must be a number in (0, 1], e.g. quantile:0.99");
            }
            return (ErrorStatistic.Quantile, q);
        }
        return t switch
        {
            "max" or "elemwise" => (ErrorStatistic.Max, 0.99),
            "mean" => (ErrorStatistic.Mean, 0.99),
            "median" => (ErrorStatistic.Median, 0.99),
            _ => throw new FormatException($"'{text}' is not a check: use max, mean, median or quantile:<q>"),
        };
    }
}
