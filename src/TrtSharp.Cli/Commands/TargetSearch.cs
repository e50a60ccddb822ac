using System.CommandLine;
using TrtSharp.Cli.Rendering;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.Sensitivity;

namespace TrtSharp.Cli.Commands;

/// <summary>The target options quantize and autocast share (--target-cosine, --target-snr, --max-excluded) and how a search is shown.</summary>
internal sealed class TargetSearch
{
    public Option<double?> Cosine { get; } = new("--target-cosine") { Description = "Every output's cosine to float32 on the held-out data must reach this; when it does not, the most sensitive layers are kept in float until it does (see --max-excluded)." };

    public Option<double?> Snr { get; } = new("--target-snr") { Description = "Every output's SNR (dB) to float32 on the held-out data must reach this; searched as --target-cosine." };

    public Option<int?> MaxExcluded { get; } = new("--max-excluded") { Description = "Most layers the target search may keep in float (default: 5% of the reducible layers, at least 1); exit 1 when even these do not reach the target." };

    public IEnumerable<Option> All => [Cosine, Snr, MaxExcluded];

    /// <summary>The target asked for, or null; bad numbers fail before any work.</summary>
    public AgreementTarget? Read(ParseResult parse)
    {
        double? cosine = parse.GetValue(Cosine);
        double? snr = parse.GetValue(Snr);
        if (cosine is { } c && !(c >= -1 && c <= 1))
        {
            throw new ArgumentException($"--target-cosine {c}: a cosine similarity lies in [-1, 1]");
        }
        if (snr is { } s && double.IsNaN(s))
        {
            throw new ArgumentException("--target-snr: not a number");
        }
        if (parse.GetValue(MaxExcluded) is < 0)
        {
            throw new ArgumentException($"--max-excluded {parse.GetValue(MaxExcluded)}: must be at least 0");
        }
        return cosine is null && snr is null ? null : new AgreementTarget(cosine, snr);
    }

    /// <summary>The option that set the target, for messages.</summary>
    public static string Flag(AgreementTarget target) => target.Cosine is not null ? "--target-cosine" : "--target-snr";

    /// <summary>The report's <c>search</c> section.</summary>
    public static object Section<T>(AgreementTarget target, ExclusionSearchResult<T> search) => new
    {
        target = target.ToString(),
        reached = search.Reached,
        kept_in_float = search.KeptInFloat,
        budget = search.Budget,
        layers = search.LayerCount,
        trials = search.Trials,
        seconds = search.Elapsed.TotalSeconds,
        sensitivity_walk = search.Sensitivity?.Walk,
        ranking = search.Sensitivity?.Ranked.Take(Math.Max(20, search.Budget)).Select(r => new { nodes = r.Layers, cosine = r.Cosine, snr_db = r.SnrDb }),
    };

    public static void Describe<T>(CliConsole console, string what, ExclusionSearchResult<T> search)
    {
        console.WriteLine($"search: {search.Summary}");
        if (search.KeptInFloat.Count > 0)
        {
            console.WriteLine($"{what}: {string.Join(" ", search.KeptInFloat)}");
        }
    }

    /// <summary>The verdict line; true when the target holds.</summary>
    public static bool Verdict(CliConsole console, AgreementTarget target, IReadOnlyList<OutputAgreement> validation)
    {
        if (!target.IsMet(validation))
        {
            console.WriteLine($"FAILED: below the target ({target}) for {string.Join(", ", target.Misses(validation))}");
            return false;
        }
        console.WriteLine($"PASSED: every output reaches {target}");
        return true;
    }
}
