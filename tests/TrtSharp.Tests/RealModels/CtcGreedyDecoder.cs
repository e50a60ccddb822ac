namespace TrtSharp.Tests.RealModels;

/// <summary>
/// PP-OCR's CTC decoding: per time step the most probable class, repeats merged, blanks (class 0) dropped;
/// class i ≥ 1 is dictionary line i - 1 and the class after the last line is a space.
/// </summary>
internal sealed class CtcGreedyDecoder
{
    private readonly string[] _characters;

    public CtcGreedyDecoder(string dictionaryPath)
    {
        var lines = File.ReadAllText(dictionaryPath).Split('\n');
        _characters = [.. lines.Where((l, i) => i < lines.Length - 1 || l.Length > 0).Select(l => l.TrimEnd('\r')), " "];
    }

    /// <summary>Number of classes the recognizer must output: blank + dictionary + space.</summary>
    public int ClassCount => _characters.Length + 1;

    /// <summary>Decodes one sample of a [T, classes] probability matrix.</summary>
    public string Decode(ReadOnlySpan<float> probabilities, int steps)
    {
        int classes = probabilities.Length / steps;
        if (classes != ClassCount)
        {
            throw new ArgumentException($"the recognizer outputs {classes} classes, the dictionary implies {ClassCount}");
        }
        var text = new System.Text.StringBuilder();
        int previous = -1;
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> row = probabilities.Slice(t * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            if (best != 0 && best != previous)
            {
                text.Append(_characters[best - 1]);
            }
            previous = best;
        }
        return text.ToString().Trim();
    }
}
