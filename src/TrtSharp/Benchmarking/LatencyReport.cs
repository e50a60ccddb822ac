using TrtSharp.Comparison;

namespace TrtSharp.Benchmarking;

/// <summary>trtexec-style latency summary of one benchmark run (milliseconds).</summary>
/// <param name="Iterations">Timed runs.</param>
/// <param name="TotalSeconds">Wall time of the timed runs.</param>
/// <param name="Latency">Statistics of the per-run latencies in ms.</param>
public sealed record LatencyReport(int Iterations, double TotalSeconds, ValueStatistics Latency)
{
    /// <summary>Above this coefficient of variation the run is flagged unstable (trtexec warns similarly).</summary>
    public const double UnstableCoefficientOfVariation = 0.10;

    /// <summary>Per-run latencies in ms, in the order they were measured (for export and paired ratios).</summary>
    public double[] Samples { get; init; } = [];

    /// <summary>Runs per second.</summary>
    public double Throughput => TotalSeconds > 0 ? Iterations / TotalSeconds : double.NaN;

    /// <summary>Standard deviation over mean of the latencies.</summary>
    public double CoefficientOfVariation => Latency.Mean > 0 ? Latency.StandardDeviation / Latency.Mean : double.NaN;

    /// <summary>True when the latencies vary too much to trust a single figure.</summary>
    public bool IsUnstable => CoefficientOfVariation > UnstableCoefficientOfVariation;

    /// <summary>Builds the report from per-run latencies in milliseconds.</summary>
    public static LatencyReport FromSamples(ReadOnlySpan<double> milliseconds, double totalSeconds) =>
        new(milliseconds.Length, totalSeconds, ValueStatistics.Compute(milliseconds)) { Samples = milliseconds.ToArray() };
}
