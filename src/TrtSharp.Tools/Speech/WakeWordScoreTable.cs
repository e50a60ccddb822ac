using System.Globalization;
using System.Text;
using TrtSharp.IO;

namespace TrtSharp.Tools.Speech;

/// <summary>
/// Writes each clip's peak score per head for several runs of the same clips (e.g. FP32 and INT8 models) as CSV,
/// so a flipped decision can be traced to its clip instead of only showing up in an agreement rate.
/// </summary>
public static class WakeWordScoreTable
{
    /// <summary>Writes <c>clip,kind,wake_word,head,&lt;run…&gt;</c> rows, one per (clip, head), atomically.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="heads">Head names in the pipeline's order.</param>
    /// <param name="runs">Label and scores of each run; every run must score the same clips in the same order.</param>
    public static void Write(string path, IReadOnlyList<string> heads, IReadOnlyList<(string Label, IReadOnlyList<ClipScores> Scores)> runs)
    {
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("at least one run is needed", nameof(runs));
        }

        var clips = runs[0].Scores;
        foreach (var (label, scores) in runs)
        {
            if (scores.Count != clips.Count || scores.Where((s, i) => s.Clip.Path != clips[i].Clip.Path).Any())
            {
                throw new ArgumentException($"run '{label}' does not score the same clips as '{runs[0].Label}'", nameof(runs));
            }
        }

        var text = new StringBuilder();
        text.Append("clip,kind,wake_word,head");
        foreach (var (label, _) in runs)
        {
            text.Append(',').Append(label);
        }
        text.Append('\n');
        for (int c = 0; c < clips.Count; c++)
        {
            for (int h = 0; h < heads.Count; h++)
            {
                text.Append(Path.GetFileName(clips[c].Clip.Path)).Append(',')
                    .Append(clips[c].Clip.Kind.ToString().ToLowerInvariant()).Append(',')
                    .Append(clips[c].Clip.WakeWord ?? "").Append(',')
                    .Append(heads[h]);
                foreach (var (_, scores) in runs)
                {
                    text.Append(',').Append(scores[c].MaxScores[h].ToString("0.######", CultureInfo.InvariantCulture));
                }
                text.Append('\n');
            }
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
