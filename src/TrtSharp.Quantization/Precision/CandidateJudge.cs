using TrtSharp.Comparison;
using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Scores quantized candidates against float32 reference outputs already computed: per candidate, the lowest
/// per-output cosine (pooled over the batches it ran on), then the lowest SNR. Cheaper than one session and one full
/// pass per candidate: a candidate whose model equals an earlier one is not run (it gets that one's score);
/// candidates differing only in constants share one ONNX Runtime session (<see cref="JudgeModel"/>); and with more
/// than two candidates and more than one batch, all run on the first batch and only the better half, at least two
/// (successive halving), runs on the rest, so the winner is still chosen on every batch; at default threads two
/// candidates run at once on the shared session (<see cref="SplitForCandidates"/>). When every candidate gives the same model nothing is run.
/// The sessions (<see cref="JudgeSessions"/>) can be opened before the last candidate is built.
/// </summary>
internal static class CandidateJudge
{
    /// <summary>How one candidate did.</summary>
    /// <param name="MinCosine">Lowest per-output cosine (−1 when not a number).</param>
    /// <param name="MinSnrDb">Lowest per-output SNR in dB.</param>
    /// <param name="Batches">Batches it ran on (fewer than the others when it was dropped after the first; 0 when
    /// every candidate gave the same model, so nothing was run and the scores are NaN).</param>
    /// <param name="SameAs">Index of an earlier candidate with the same model, whose score this is; null when it ran itself.</param>
    internal sealed record Score(double MinCosine, double MinSnrDb, int Batches, int? SameAs);

    /// <summary>Whether score A beats score B: a higher lowest cosine, or within 1e-6 a higher lowest SNR (by 0.01 dB); ties keep the earlier.</summary>
    public static bool Beats(double cosineA, double snrA, double cosineB, double snrB) =>
        cosineA > cosineB + 1e-6 || (Math.Abs(cosineA - cosineB) <= 1e-6 && snrA > snrB + 0.01);

    /// <summary>
    /// Index of the best score among those judged on every batch (successive halving dropped the others after the
    /// first); ties within a rounding error keep the earlier candidate.
    /// </summary>
    public static int Winner(IReadOnlyList<Score> scores)
    {
        int judged = scores.Max(s => s.Batches);
        int best = -1;
        for (int i = 0; i < scores.Count; i++)
        {
            if (scores[i].Batches == judged && (best < 0 || Beats(scores[i].MinCosine, scores[i].MinSnrDb, scores[best].MinCosine, scores[best].MinSnrDb)))
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>Scores every model in <paramref name="models"/> on <paramref name="data"/>, whose batches' float outputs are <paramref name="expected"/>.</summary>
    /// <param name="models">The candidates' Q/DQ models, in order of preference on ties.</param>
    /// <param name="data">The judging batches (read once).</param>
    /// <param name="expected">Float32 outputs of each batch of <paramref name="data"/>, by output name.</param>
    /// <param name="runtime">ONNX Runtime options for the judging sessions.</param>
    /// <param name="shareSessions">Judge every candidate through a <see cref="JudgeModel"/>, one session per graph (false: each candidate's own model, with its constants).</param>
    /// <param name="halve">Drop the worse half after the first batch.</param>
    /// <param name="cancellationToken">Stops between runs.</param>
    /// <param name="progress">"comparing methods", once the sessions are open and after each batch.</param>
    public static IReadOnlyList<Score> Judge(IReadOnlyList<ModelProto> models, ICalibrationDataset data, IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> expected,
        OnnxRuntimeOptions runtime, bool shareSessions, bool halve, CancellationToken cancellationToken, IProgress<ProgressUpdate>? progress = null)
    {
        var live = Live(models, out var sameAs);
        if (live.Count == 1)
        {
            return Unjudged(sameAs, expected.Count, progress);
        }
        using var sessions = JudgeSessions.Open(live.Select(i => models[i]), runtime, shareSessions);
        return Run(models, live, sameAs, data, expected, sessions, halve, cancellationToken, progress);
    }

    /// <summary>
    /// As the overload that opens its own sessions, on <paramref name="sessions"/> opened earlier (e.g. from the
    /// candidates known before the last was built); a candidate none of them fits gets a session of its own there.
    /// </summary>
    public static IReadOnlyList<Score> Judge(IReadOnlyList<ModelProto> models, ICalibrationDataset data, IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> expected,
        JudgeSessions sessions, bool halve, CancellationToken cancellationToken, IProgress<ProgressUpdate>? progress = null)
    {
        var live = Live(models, out var sameAs);
        return live.Count == 1
            ? Unjudged(sameAs, expected.Count, progress)
            : Run(models, live, sameAs, data, expected, sessions, halve, cancellationToken, progress);
    }

    private static IReadOnlyList<Score> Run(IReadOnlyList<ModelProto> models, List<int> live, int?[] sameAs, ICalibrationDataset data,
        IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> expected, JudgeSessions sessions, bool halve, CancellationToken cancellationToken,
        IProgress<ProgressUpdate>? progress)
    {
        var runners = live.ToDictionary(i => i, i => sessions.For(models[i]));
        int concurrent = sessions.Concurrent;
        progress?.Report(new ProgressUpdate("comparing methods", 0, expected.Count));
        string[] names = expected.Count == 0 ? [] : [.. expected[0].Keys];
        var totals = models.Select(_ => names.ToDictionary(n => n, _ => new AgreementAccumulator(), StringComparer.Ordinal)).ToArray();
        var batches = new int[models.Count];
        int index = 0;
        foreach (var batch in data.Batches(cancellationToken))
        {
            if (index >= expected.Count)
            {
                break;
            }
            int current = index;
            void RunOne(int i)
            {
                var actual = runners[i].Run(batch, names);
                foreach (string name in names)
                {
                    totals[i][name].Add(((HostTensor<float>)actual[name]).Span, ((HostTensor<float>)expected[current][name]).Span);
                }
                batches[i]++;
            }
            try
            {
                // Each candidate has its own accumulators, so running them side by side gives the same scores.
                Parallel.ForEach(live, new ParallelOptions { MaxDegreeOfParallelism = concurrent, CancellationToken = cancellationToken }, RunOne);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // The first failure in time (the candidates run at once); typically every candidate fails alike.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            index++;
            progress?.Report(new ProgressUpdate("comparing methods", index, expected.Count));
            if (halve && index == 1 && expected.Count > 1 && live.Count > 2)
            {
                // Stable: among equal scores the earlier candidate ranks first, as in the final choice.
                var ranked = new List<int>();
                foreach (int i in live)
                {
                    var (c, s) = Worst(totals[i]);
                    int at = ranked.FindIndex(r => { var (rc, rs) = Worst(totals[r]); return Beats(c, s, rc, rs); });
                    ranked.Insert(at < 0 ? ranked.Count : at, i);
                }
                live = [.. ranked.Take(Math.Max(2, live.Count / 2)).Order()];
            }
        }
        return [.. Enumerable.Range(0, models.Count).Select(i =>
        {
            int source = sameAs[i] ?? i;
            var (cosine, snr) = Worst(totals[source]);
            return new Score(cosine, snr, batches[source], sameAs[i]);
        })];
    }

    /// <summary>The candidates to run: each model not equal to an earlier one; <paramref name="sameAs"/> names, per candidate, the earlier one it equals.</summary>
    private static List<int> Live(IReadOnlyList<ModelProto> models, out int?[] sameAs)
    {
        sameAs = new int?[models.Count];
        for (int i = 0; i < models.Count; i++)
        {
            for (int j = 0; j < i && sameAs[i] is null; j++)
            {
                if (sameAs[j] is null && models[j].Equals(models[i]))
                {
                    sameAs[i] = j;
                }
            }
        }
        var same = sameAs;
        return [.. Enumerable.Range(0, models.Count).Where(i => same[i] is null)];
    }

    /// <summary>Every candidate gave the same model (e.g. nothing is quantized): there is no choice to judge.</summary>
    private static IReadOnlyList<Score> Unjudged(int?[] sameAs, int batches, IProgress<ProgressUpdate>? progress)
    {
        progress?.Report(new ProgressUpdate("comparing methods", batches, batches));
        return [.. sameAs.Select(s => new Score(double.NaN, double.NaN, 0, s))];
    }

    /// <summary>
    /// With ONNX Runtime's thread count left at its default, two candidates run side by side: a Q/DQ forward pass scales
    /// less than twofold from one core to two (80 → 65 ms a 640×640 page here), and there are always at least two
    /// candidates per batch. Two runs on one session share its intra-op pool (cores − 2 workers, spinning off) besides
    /// their own calling threads, so together they use one thread per core. An explicit thread count (or the global
    /// pool) is kept, one candidate at a time.
    /// </summary>
    /// <returns>How many candidates run at once.</returns>
    internal static int SplitForCandidates(OnnxRuntimeOptions runtime, int cores)
    {
        if (runtime.IntraOpThreads != 0 || runtime.UseGlobalThreadPool || cores < 2)
        {
            return 1;
        }
        runtime.IntraOpThreads = cores - 1;
        runtime.AllowSpinning ??= false;
        return 2;
    }

    private static (double Cosine, double SnrDb) Worst(Dictionary<string, AgreementAccumulator> outputs)
    {
        if (outputs.Count == 0)
        {
            return (1, double.PositiveInfinity);
        }
        double cosine = outputs.Values.Min(a => a.Cosine);
        double snr = outputs.Values.Min(a => a.SnrDb);
        return (double.IsNaN(cosine) ? -1 : cosine, double.IsNaN(snr) ? double.NegativeInfinity : snr);
    }
}
