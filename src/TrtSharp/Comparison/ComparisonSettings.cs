using System.Globalization;
using TrtSharp.Errors;

namespace TrtSharp.Comparison;

/// <summary>The pass/fail rule for a model comparison: one default check, tolerances overridden per output.</summary>
public sealed record ComparisonSettings(ErrorCheck Default, IReadOnlyDictionary<string, Tolerance> PerOutput)
{
    /// <summary>Settings with the same check for every output.</summary>
    public ComparisonSettings(ErrorCheck check) : this(check, new Dictionary<string, Tolerance>(StringComparer.Ordinal)) { }

    /// <summary>The check that applies to <paramref name="outputName"/>.</summary>
    public ErrorCheck For(string outputName) =>
        PerOutput.TryGetValue(outputName, out Tolerance t) ? Default with { Tolerance = t } : Default;

    /// <summary>Parses <c>name:atol,rtol</c> (the name may itself contain ':'; the last one separates).</summary>
    public static (string Name, Tolerance Tolerance) ParsePerOutput(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        string[] parts = colon > 0 ? text[(colon + 1)..].Split(',') : [];
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double atol)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double rtol)
            || atol < 0 || rtol < 0)
        {
            throw new FormatException($"'{text}': expected name:atol,rtol with non-negative numbers, e.g. logits:1e-3,1e-2");
        }
        return (text[..colon], new Tolerance(rtol, atol));
    }

    /// <summary>Checks that every per-output override names an output of the reference.</summary>
    /// <exception cref="TensorNotFoundException">An override names no output.</exception>
    public void Validate(IEnumerable<string> referenceOutputs)
    {
        var names = referenceOutputs.ToList();
        foreach (string name in PerOutput.Keys.Where(n => !names.Contains(n, StringComparer.Ordinal)))
        {
            throw new TensorNotFoundException(name, names);
        }
    }
}
