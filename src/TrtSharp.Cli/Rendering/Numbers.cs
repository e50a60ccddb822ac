using System.Globalization;

namespace TrtSharp.Cli.Rendering;

/// <summary>Number formatting shared by the tables: invariant culture, compact, NaN and infinities spelled out.</summary>
internal static class Numbers
{
    /// <summary>Four significant digits, e.g. 0.001234, 1.235e+05, NaN, +inf.</summary>
    public static string G(double value) => value switch
    {
        double.PositiveInfinity => "+inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("g4", CultureInfo.InvariantCulture),
    };

    /// <summary>Fixed decimals for latencies and ratios.</summary>
    public static string F(double value, int decimals = 3) =>
        double.IsFinite(value) ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : G(value);
}
