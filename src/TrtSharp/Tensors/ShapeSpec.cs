using System.Globalization;

namespace TrtSharp.Tensors;

/// <summary>
/// Parses trtexec-style shape options: <c>name:1x3x224x224</c>, several separated by commas, and for
/// optimization profiles <c>name:min/opt/max</c> (e.g. <c>input:1x76x32x1/8x76x32x1/32x76x32x1</c>).
/// </summary>
public static class ShapeSpec
{
    /// <summary>Parses <c>name:AxBxC[,name2:…]</c> into name → dimensions.</summary>
    public static Dictionary<string, long[]> Parse(string text)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, dims) in Split(text))
        {
            if (dims.Contains('/', StringComparison.Ordinal))
            {
                throw new FormatException($"'{name}:{dims}': one shape expected here, not min/opt/max");
            }
            result[name] = ParseDims(name, dims);
        }
        return result;
    }

    /// <summary>Parses <c>name:min/opt/max[,…]</c>; a single shape is used for all three.</summary>
    public static Dictionary<string, (long[] Min, long[] Opt, long[] Max)> ParseProfiles(string text) => ParseRanges(text, signed: false);

    /// <summary>
    /// Parses shape-tensor values in the same form, <c>name:min/opt/max[,…]</c> with <c>x</c> between values, where
    /// values may be negative (e.g. Reshape's -1): <c>shape:1x-1/2x-1/4x-1</c>.
    /// </summary>
    public static Dictionary<string, (long[] Min, long[] Opt, long[] Max)> ParseValueProfiles(string text) => ParseRanges(text, signed: true);

    private static Dictionary<string, (long[] Min, long[] Opt, long[] Max)> ParseRanges(string text, bool signed)
    {
        var result = new Dictionary<string, (long[], long[], long[])>(StringComparer.Ordinal);
        foreach (var (name, dims) in Split(text))
        {
            string[] parts = dims.Split('/');
            if (parts.Length is not (1 or 3))
            {
                throw new FormatException($"'{name}:{dims}': expected one shape or min/opt/max");
            }
            long[][] shapes = parts.Select(p => ParseDims(name, p, signed)).ToArray();
            var (min, opt, max) = parts.Length == 1 ? (shapes[0], shapes[0], shapes[0]) : (shapes[0], shapes[1], shapes[2]);
            if (min.Length != opt.Length || opt.Length != max.Length)
            {
                throw new FormatException($"'{name}': min/opt/max shapes have different ranks");
            }
            for (int i = 0; i < min.Length; i++)
            {
                if (!(min[i] <= opt[i] && opt[i] <= max[i]))
                {
                    throw new FormatException($"'{name}': dimension {i} must satisfy min ≤ opt ≤ max ({min[i]}, {opt[i]}, {max[i]})");
                }
            }
            result[name] = (min, opt, max);
        }
        return result;
    }

    /// <summary>Formats dimensions as <c>1x3x224x224</c> (a scalar as an empty string).</summary>
    public static string Format(ReadOnlySpan<long> dims) => string.Join("x", dims.ToArray());

    private static IEnumerable<(string Name, string Dims)> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Tensor names may contain ':' (e.g. TensorFlow "input:0"), so split at the last one.
            int colon = item.LastIndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"'{item}': expected name:dims, e.g. input:1x3x224x224");
            }
            yield return (item[..colon], item[(colon + 1)..]);
        }
    }

    private static long[] ParseDims(string name, string dims, bool signed = false)
    {
        if (dims.Length == 0)
        {
            return [];
        }
        var style = signed ? NumberStyles.AllowLeadingSign : NumberStyles.None;
        return dims.Split('x').Select(d =>
            long.TryParse(d, style, CultureInfo.InvariantCulture, out long v)
                ? v
                : throw new FormatException($"'{name}:{dims}': '{d}' is not a {(signed ? "whole number" : "non-negative dimension")}")).ToArray();
    }
}
