namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>What a reduced-precision model must reach on held-out data: every output's cosine and/or SNR at least these.</summary>
/// <param name="Cosine">Lowest acceptable cosine similarity of each output to float32, or null.</param>
/// <param name="SnrDb">Lowest acceptable signal-to-noise ratio of each output in dB, or null.</param>
public sealed record AgreementTarget(double? Cosine, double? SnrDb)
{
    /// <summary>True when every output meets every bound given.</summary>
    public bool IsMet(IReadOnlyList<OutputAgreement> agreement)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return agreement.All(a => (Cosine is not { } c || a.Cosine >= c) && (SnrDb is not { } s || a.SnrDb >= s));
    }

    /// <summary>The outputs that miss, with their figures, in words.</summary>
    public IEnumerable<string> Misses(IReadOnlyList<OutputAgreement> agreement) =>
        agreement.Where(a => !IsMet([a])).Select(a => $"{a.Name} (cosine {a.Cosine:0.00000}, SNR {a.SnrDb:0.0} dB)");

    /// <summary>"cosine ≥ 0.99, SNR ≥ 20 dB".</summary>
    public override string ToString() => string.Join(", ",
        new[] { Cosine is { } c ? $"cosine ≥ {c}" : null, SnrDb is { } s ? $"SNR ≥ {s} dB" : null }.Where(t => t is not null));
}
