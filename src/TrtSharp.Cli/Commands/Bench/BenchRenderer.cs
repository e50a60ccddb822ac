using Spectre.Console;
using TrtSharp.Comparison;
using TrtSharp.Benchmarking;
using TrtSharp.Cli.Rendering;

namespace TrtSharp.Cli.Commands.Bench;

/// <summary>trtexec-style latency reports: throughput, latency percentiles, stability warning, pair ratios, the matrix.</summary>
internal static class BenchRenderer
{
    /// <summary>A table with one row per measured run.</summary>
    public static void Latencies(CliConsole console, IReadOnlyList<(string Label, LatencyReport Report)> rows)
    {
        var table = new Table { Title = new TableTitle("latency (ms)") };
        foreach (string column in new[] { "run", "iterations", "throughput (qps)", "min", "mean", "median", "p90", "p95", "p99", "max", "CV" })
        {
            table.AddColumn(column == "run" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }
        foreach ((string label, LatencyReport r) in rows)
        {
            var l = r.Latency;
            table.AddRow(new[] { label, r.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), Numbers.F(r.Throughput, 1),
                Numbers.G(l.Min), Numbers.G(l.Mean), Numbers.G(l.Median), Numbers.G(l.P90), Numbers.G(l.P95), Numbers.G(l.P99), Numbers.G(l.Max),
                $"{Numbers.F(100 * r.CoefficientOfVariation, 1)}%" }.Select(c => new Text(c)).ToArray());
        }
        console.Write(table);
        foreach ((string label, LatencyReport r) in rows)
        {
            console.WriteLine($"{label}: throughput {Numbers.F(r.Throughput, 1)} qps; latency min = {Numbers.G(r.Latency.Min)} ms, max = {Numbers.G(r.Latency.Max)} ms, " +
                $"mean = {Numbers.G(r.Latency.Mean)} ms, median = {Numbers.G(r.Latency.Median)} ms, p90 = {Numbers.G(r.Latency.P90)} ms, " +
                $"p95 = {Numbers.G(r.Latency.P95)} ms, p99 = {Numbers.G(r.Latency.P99)} ms ({r.Iterations} iterations in {Numbers.F(r.TotalSeconds)} s)");
            if (r.IsUnstable)
            {
                console.WriteLine($"WARNING {label}: coefficient of variation {Numbers.F(100 * r.CoefficientOfVariation, 1)}% exceeds " +
                    $"{Numbers.F(100 * LatencyReport.UnstableCoefficientOfVariation, 0)}%: the machine is noisy or the run too short; quote the median, or compare interleaved (--compare-with)");
            }
        }
    }

    /// <summary>TensorRT's per-phase times (ms): host enqueue, and GPU H2D / compute / D2H from CUDA events.</summary>
    public static void Phases(CliConsole console, IReadOnlyList<TrtSharp.TensorRT.TensorRtPhases> phases)
    {
        if (phases.Count == 0)
        {
            return;
        }
        var table = new Table { Title = new TableTitle("TensorRT phases (ms, CUDA events)") };
        foreach (string column in new[] { "phase", "mean", "median", "p99", "max" })
        {
            table.AddColumn(column == "phase" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }
        void Row(string name, Func<TrtSharp.TensorRT.TensorRtPhases, double> pick)
        {
            var stats = ValueStatistics.Compute(phases.Select(pick).ToArray());
            table.AddRow(new[] { name, Numbers.G(stats.Mean), Numbers.G(stats.Median), Numbers.G(stats.P99), Numbers.G(stats.Max) }.Select(c => new Text(c)).ToArray());
        }
        Row("enqueue (host)", p => p.EnqueueMs);
        Row("H2D", p => p.HostToDeviceMs);
        Row("GPU compute", p => p.ComputeMs);
        Row("D2H", p => p.DeviceToHostMs);
        console.Write(table);
    }

    /// <summary>The per-pair ratio of an interleaved comparison.</summary>
    public static void Ratio(CliConsole console, InterleavedReport report)
    {
        var r = report.RatioAOverB;
        console.WriteLine($"latency ratio A/B over {r.Count} interleaved pairs: median {Numbers.F(r.Median)}x (mean {Numbers.F(r.Mean)}x, p90 {Numbers.F(r.P90)}x, min {Numbers.F(r.Min)}x, max {Numbers.F(r.Max)}x)");
        console.WriteLine(Math.Abs(r.Median - 1) < 0.005 ? "A and B are equally fast (median pair)"
            : r.Median < 1 ? $"A is {Numbers.F(1 / r.Median, 2)}x as fast as B (median pair)"
            : $"B is {Numbers.F(r.Median, 2)}x as fast as A (median pair)");
    }

    /// <summary>The matrix table: every backend × precision, with its speedup over the baseline or why it did not run.</summary>
    public static void Matrix(CliConsole console, IReadOnlyList<MatrixRow> rows)
    {
        var table = new Table { Title = new TableTitle("backend x precision") };
        foreach (string column in new[] { "engine", "model", "median (ms)", "p90 (ms)", "throughput (qps)", "speedup", "status" })
        {
            table.AddColumn(column);
        }
        foreach (MatrixRow row in rows)
        {
            table.AddRow(new[]
            {
                row.Variant.Label,
                row.Variant.ModelPath is null ? "-" : Path.GetFileName(row.Variant.ModelPath),
                row.Report is null ? "-" : Numbers.G(row.Report.Latency.Median),
                row.Report is null ? "-" : Numbers.G(row.Report.Latency.P90),
                row.Report is null ? "-" : Numbers.F(row.Report.Throughput, 1),
                double.IsNaN(row.Speedup) ? "-" : $"{Numbers.F(row.Speedup, 2)}x",
                row.Status,
            }.Select(c => new Text(c)).ToArray());
        }
        console.Write(table);
        console.WriteLine("speedup: median over round-robin rounds of baseline latency / this latency; baseline ORT CPU FP32 = 1x");
    }
}
