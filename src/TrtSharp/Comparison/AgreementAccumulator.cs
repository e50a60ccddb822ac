namespace TrtSharp.Comparison;

/// <summary>
/// Streams pairs of (actual, reference) values, batch after batch, into the agreement figures of a whole
/// dataset — max and mean absolute error, cosine similarity, SNR — without keeping the values.
/// </summary>
internal sealed class AgreementAccumulator
{
    private double _dot, _actualSquares, _referenceSquares, _noise, _absSum;

    /// <summary>Values seen.</summary>
    public long Count { get; private set; }

    /// <summary>Largest |actual − reference|.</summary>
    public double MaxAbsoluteError { get; private set; }

    /// <summary>Mean |actual − reference|.</summary>
    public double MeanAbsoluteError => Count == 0 ? 0 : _absSum / Count;

    /// <summary>Cosine similarity over everything seen (1 when both are all zero).</summary>
    public double Cosine => _actualSquares == 0 && _referenceSquares == 0 ? 1
        : _actualSquares == 0 || _referenceSquares == 0 ? 0
        : _dot / (Math.Sqrt(_actualSquares) * Math.Sqrt(_referenceSquares));

    /// <summary>10·log10(Σref² / Σ(actual−ref)²); +∞ when identical.</summary>
    public double SnrDb => _noise == 0 ? double.PositiveInfinity : _referenceSquares == 0 ? double.NegativeInfinity : 10 * Math.Log10(_referenceSquares / _noise);

    /// <summary>Adds one batch.</summary>
    public void Add(ReadOnlySpan<float> actual, ReadOnlySpan<float> reference)
    {
        if (actual.Length != reference.Length)
        {
            throw new ArgumentException($"lengths differ: {actual.Length} vs {reference.Length}");
        }
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], r = reference[i], d = a - r;
            _dot += a * r;
            _actualSquares += a * a;
            _referenceSquares += r * r;
            _noise += d * d;
            double abs = Math.Abs(d);
            _absSum += abs;
            if (abs > MaxAbsoluteError)
            {
                MaxAbsoluteError = abs;
            }
        }
        Count += actual.Length;
    }
}
