namespace TrtSharp.Tests.RealModels;

/// <summary>
/// How closely a reduced-precision recognizer follows FP32 on the held-out lines: the metric (strings
/// identical) and two continuous ones that resolve finer than whole lines — the character error rate against FP32's
/// strings (Levenshtein distance over FP32's characters) and, per CTC time step, whether FP32's most probable class
/// stays the most probable and by what probability margin over the runner-up.
/// </summary>
/// <param name="Lines">Held-out lines.</param>
/// <param name="Identical">Lines whose decoded string equals FP32's.</param>
/// <param name="EditDistance">Sum over lines of the edit distance to FP32's string.</param>
/// <param name="Characters">Sum over lines of FP32's string length.</param>
/// <param name="StepsAgreeing">Time steps whose argmax equals FP32's.</param>
/// <param name="Steps">Time steps, all lines.</param>
/// <param name="MeanMargin">Mean over time steps of p[FP32's class] − max of the other classes (negative where the argmax moved).</param>
internal sealed record RecognizerAgreement(int Lines, int Identical, int EditDistance, int Characters, int StepsAgreeing, int Steps, double MeanMargin)
{
    /// <summary>Share of lines read identically to FP32.</summary>
    public double IdenticalShare => (double)Identical / Lines;

    /// <summary>Character error rate against FP32's strings.</summary>
    public double CharacterErrorRate => (double)EditDistance / Characters;

    /// <summary>Compares one decoding (strings and [T, classes] probabilities per line) with FP32's.</summary>
    public static RecognizerAgreement Of(IReadOnlyList<(string Text, float[] Probabilities)> fp32, IReadOnlyList<(string Text, float[] Probabilities)> other, int classes)
    {
        if (fp32.Count != other.Count || fp32.Count == 0)
        {
            throw new ArgumentException($"{other.Count} lines to compare with {fp32.Count} FP32 lines");
        }
        int identical = 0, distance = 0, characters = 0, agreeing = 0, steps = 0;
        double margins = 0;
        foreach (var (reference, reduced) in fp32.Zip(other))
        {
            identical += reference.Text == reduced.Text ? 1 : 0;
            distance += Levenshtein(reference.Text, reduced.Text);
            characters += reference.Text.Length;
            for (int t = 0; t < reference.Probabilities.Length / classes; t++)
            {
                var expected = reference.Probabilities.AsSpan(t * classes, classes);
                var row = reduced.Probabilities.AsSpan(t * classes, classes);
                int target = ArgMax(expected);
                float runnerUp = float.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    if (c != target)
                    {
                        runnerUp = MathF.Max(runnerUp, row[c]);
                    }
                }
                margins += row[target] - runnerUp;
                agreeing += ArgMax(row) == target ? 1 : 0;
                steps++;
            }
        }
        return new RecognizerAgreement(fp32.Count, identical, distance, characters, agreeing, steps, margins / steps);
    }

    /// <summary>One line for the test log.</summary>
    public string Describe(string placement) =>
        $"ocr-rec [{placement}]: {Identical}/{Lines} held-out strings identical to FP32 ({IdenticalShare:P1}), CER vs FP32 {CharacterErrorRate:P2} " +
        $"({EditDistance} edits over {Characters} characters), {StepsAgreeing}/{Steps} CTC steps keep FP32's class, mean margin {MeanMargin:0.0000}";

    /// <summary>Levenshtein distance (insertions, deletions, substitutions, each costing 1).</summary>
    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }
        return best;
    }
}
