namespace TrtSharp.Comparison;

/// <summary>Agreement measures between an output and its reference.</summary>
internal static class Similarity
{
    /// <summary>Cosine similarity a·b / (|a||b|); 1 when both are all-zero, 0 when exactly one is.</summary>
    public static double Cosine(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckLengths(a, b);
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        if (na == 0 && nb == 0)
        {
            return 1;
        }
        if (na == 0 || nb == 0)
        {
            return 0;
        }
        return dot / (Math.Sqrt(na) * Math.Sqrt(nb));
    }

    /// <summary>
    /// Signal-to-noise ratio in dB of <paramref name="actual"/> against <paramref name="reference"/>:
    /// 10·log10(Σref² / Σ(actual−ref)²); +∞ when identical.
    /// </summary>
    public static double SignalToNoiseDb(ReadOnlySpan<double> actual, ReadOnlySpan<double> reference)
    {
        CheckLengths(actual, reference);
        double signal = 0, noise = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            signal += reference[i] * reference[i];
            double d = actual[i] - reference[i];
            noise += d * d;
        }
        if (noise == 0)
        {
            return double.PositiveInfinity;
        }
        return signal == 0 ? double.NegativeInfinity : 10 * Math.Log10(signal / noise);
    }

    private static void CheckLengths(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"lengths differ: {a.Length} vs {b.Length}");
        }
    }
}
