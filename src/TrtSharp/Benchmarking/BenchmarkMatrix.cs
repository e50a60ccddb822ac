using TrtSharp.Inference;

namespace TrtSharp.Benchmarking;

/// <summary>One row of a benchmark matrix: the cell, its latencies when it ran, its speedup over the baseline.</summary>
/// <param name="Variant">The cell.</param>
/// <param name="Report">Latencies, or null when it did not run.</param>
/// <param name="Speedup">Median over rounds of baseline latency ÷ this cell's latency (baseline = 1); NaN when it did not run.</param>
/// <param name="Status">"ok" or why it did not run.</param>
public sealed record MatrixRow(MatrixVariant Variant, LatencyReport? Report, double Speedup, string Status);

/// <summary>Benchmarks every runnable cell of a matrix round-robin, so that all cells share the machine's noise.</summary>
public static class BenchmarkMatrix
{
    /// <summary>
    /// Opens each available cell with <paramref name="open"/>, binds it with the same seeded inputs, and measures all
    /// cells round-robin. The first runnable cell is the baseline (1×). A cell that fails to open or bind is reported
    /// with the reason instead of stopping the others.
    /// </summary>
    public static IReadOnlyList<MatrixRow> Run(IReadOnlyList<MatrixVariant> variants, Func<MatrixVariant, IInferenceSession> open,
        IReadOnlyDictionary<string, long[]>? shapes, int seed, BenchmarkSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(open);
        var sessions = new List<IInferenceSession>();
        var prepared = new List<(int Index, PreparedRun Run)>();
        var status = new string[variants.Count];
        try
        {
            for (int i = 0; i < variants.Count; i++)
            {
                if (variants[i].Unavailable is { } why)
                {
                    status[i] = $"unavailable: {why}";
                    continue;
                }
                try
                {
                    IInferenceSession session = open(variants[i]);
                    sessions.Add(session);
                    prepared.Add((i, PreparedRun.Create(session, shapes, seed)));
                    status[i] = "ok";
                }
                catch (Errors.TrtSharpException ex)
                {
                    status[i] = $"failed: {ex.Message}";
                }
            }
            LatencyReport[] reports = LatencyBenchmark.MeasureRoundRobin(prepared.Select(p => p.Run.Run).ToArray(), settings, cancellationToken);
            var rows = new List<MatrixRow>();
            for (int i = 0; i < variants.Count; i++)
            {
                int k = prepared.FindIndex(p => p.Index == i);
                rows.Add(k < 0
                    ? new MatrixRow(variants[i], null, double.NaN, status[i])
                    : new MatrixRow(variants[i], reports[k], MedianRatio(reports[0].Samples, reports[k].Samples), status[i]));
            }
            return rows;
        }
        finally
        {
            foreach (var p in prepared)
            {
                p.Run.Dispose();
            }
            foreach (IInferenceSession s in sessions)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>Median over rounds of baseline[i] / other[i].</summary>
    public static double MedianRatio(ReadOnlySpan<double> baseline, ReadOnlySpan<double> other)
    {
        int n = Math.Min(baseline.Length, other.Length);
        var ratios = new double[n];
        for (int i = 0; i < n; i++)
        {
            ratios[i] = baseline[i] / other[i];
        }
        return Comparison.ValueStatistics.Compute(ratios).Median;
    }
}
