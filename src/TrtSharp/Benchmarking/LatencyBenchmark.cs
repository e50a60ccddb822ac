using System.Diagnostics;

namespace TrtSharp.Benchmarking;

/// <summary>Times a run function: warm-up, then timed runs, each measured with the high-resolution clock.</summary>
public static class LatencyBenchmark
{
    /// <summary>Measures <paramref name="run"/> alone.</summary>
    public static LatencyReport Measure(Action run, BenchmarkSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        WarmUp(run, settings.WarmUp);
        var samples = new List<double>(settings.Iterations ?? 1024);
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        while (settings.Iterations is { } n ? samples.Count < n : Stopwatch.GetTimestamp() < deadline && samples.Count < settings.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            samples.Add(TimeOnce(run));
        }
        double total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return LatencyReport.FromSamples(samples.ToArray(), total);
    }

    /// <summary>
    /// Measures two run functions interleaved A B A B in one run, so that machine noise hits both alike;
    /// returns each side's report and the per-pair latency ratios A/B.
    /// </summary>
    public static InterleavedReport MeasureInterleaved(Action a, Action b, BenchmarkSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        WarmUp(a, settings.WarmUp / 2);
        WarmUp(b, settings.WarmUp / 2);
        var sa = new List<double>();
        var sb = new List<double>();
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        while (settings.Iterations is { } n ? sa.Count < n : Stopwatch.GetTimestamp() < deadline && sa.Count < settings.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sa.Add(TimeOnce(a));
            sb.Add(TimeOnce(b));
        }
        double total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var ratios = new double[sa.Count];
        for (int i = 0; i < ratios.Length; i++)
        {
            ratios[i] = sa[i] / sb[i];
        }
        double share = sa.Sum() / Math.Max(sa.Sum() + sb.Sum(), double.Epsilon);
        return new InterleavedReport(
            LatencyReport.FromSamples(sa.ToArray(), total * share),
            LatencyReport.FromSamples(sb.ToArray(), total * (1 - share)),
            Comparison.ValueStatistics.Compute(ratios));
    }

    /// <summary>
    /// Measures several run functions round-robin (1 2 3 1 2 3 …), so that machine noise hits all alike; sample i of
    /// every report comes from the same round, which makes per-round ratios meaningful.
    /// </summary>
    public static LatencyReport[] MeasureRoundRobin(IReadOnlyList<Action> runs, BenchmarkSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(settings);
        if (runs.Count == 0)
        {
            return [];
        }
        foreach (Action run in runs)
        {
            WarmUp(run, settings.WarmUp / runs.Count);
        }
        var samples = runs.Select(_ => new List<double>()).ToArray();
        var totals = new double[runs.Count];
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        while (settings.Iterations is { } n ? samples[0].Count < n : Stopwatch.GetTimestamp() < deadline && samples[0].Count < settings.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < runs.Count; i++)
            {
                double ms = TimeOnce(runs[i]);
                samples[i].Add(ms);
                totals[i] += ms / 1000;
            }
        }
        // Each variant's throughput is over its own busy time: the others' turns are not its latency.
        return samples.Select((s, i) => LatencyReport.FromSamples(s.ToArray(), totals[i])).ToArray();
    }

    private static double TimeOnce(Action run)
    {
        long t0 = Stopwatch.GetTimestamp();
        run();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    private static void WarmUp(Action run, TimeSpan duration)
    {
        run(); // at least once, so first-call costs never land in the measurement
        long deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            run();
        }
    }
}

/// <summary>Two interleaved runs and the per-pair ratio A/B (median ratio is the figure to quote).</summary>
public sealed record InterleavedReport(LatencyReport A, LatencyReport B, Comparison.ValueStatistics RatioAOverB);
