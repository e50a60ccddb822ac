using TrtSharp.Diagnostics;
using TrtSharp.Tools.Audio;

namespace TrtSharp.Tools.Speech;

/// <summary>One clip's highest score per wake-word head.</summary>
/// <param name="Clip">The clip.</param>
/// <param name="MaxScores">Highest score per head, in the pipeline's head order.</param>
public sealed record ClipScores(SpeechClip Clip, float[] MaxScores);

/// <summary>Runs the wake-word pipeline over a set of clips and judges its detections.</summary>
public static class WakeWordEvaluation
{
    /// <summary>The decision threshold openWakeWord uses by default.</summary>
    public const float DefaultThreshold = 0.5f;

    /// <summary>Scores each clip (the pipeline is reset per clip).</summary>
    public static IReadOnlyList<ClipScores> ScoreClips(WakeWordPipeline pipeline, IReadOnlyList<SpeechClip> clips, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(clips);
        var results = new List<ClipScores>(clips.Count);
        for (int i = 0; i < clips.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            short[] audio = WavFile.ReadMono16k(clips[i].Path);
            results.Add(new ClipScores(clips[i], pipeline.ScoreClip(audio)));
            progress?.Report(new ProgressUpdate("scoring clips", i + 1, clips.Count));
        }
        return results;
    }

    /// <summary>
    /// Whether a head's decision on a clip is right: it must fire (max score ≥ threshold) exactly on the clips
    /// whose wake word is that head's.
    /// </summary>
    public static bool IsCorrect(ClipScores scores, string headName, int head, float threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        bool fired = scores.MaxScores[head] >= threshold;
        bool expected = string.Equals(scores.Clip.WakeWord, headName, StringComparison.Ordinal);
        return fired == expected;
    }

    /// <summary>Fraction of (clip, head) decisions at <paramref name="threshold"/> on which two runs agree.</summary>
    public static double DecisionAgreement(IReadOnlyList<ClipScores> a, IReadOnlyList<ClipScores> b, float threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException("both runs must score the same clips");
        }
        int same = 0, total = 0;
        for (int i = 0; i < a.Count; i++)
        {
            for (int h = 0; h < a[i].MaxScores.Length; h++)
            {
                total++;
                if ((a[i].MaxScores[h] >= threshold) == (b[i].MaxScores[h] >= threshold))
                {
                    same++;
                }
            }
        }
        return total == 0 ? 1 : (double)same / total;
    }
}
