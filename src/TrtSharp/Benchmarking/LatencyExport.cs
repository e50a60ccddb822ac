using TrtSharp.IO;
using TrtSharp.Inference;

namespace TrtSharp.Benchmarking;

/// <summary>Writes per-iteration latencies as JSON, for plotting or gating elsewhere.</summary>
internal static class LatencyExport
{
    /// <summary>
    /// The JSON text: what was measured, the summary, and every latency in ms in measurement order; with
    /// <paramref name="choice"/>, also why the session runs on <paramref name="backend"/> (<c>backendReasons</c>).
    /// </summary>
    public static string Serialize(string model, InferenceBackend backend, LatencyReport report, BackendChoice? choice = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var document = new
        {
            model,
            backend = backend.Name(),
            backendReasons = choice?.Reasons,
            iterations = report.Iterations,
            totalSeconds = report.TotalSeconds,
            throughputQps = report.Throughput,
            coefficientOfVariation = report.CoefficientOfVariation,
            unstable = report.IsUnstable,
            latencyMs = new
            {
                min = report.Latency.Min,
                max = report.Latency.Max,
                mean = report.Latency.Mean,
                median = report.Latency.Median,
                p90 = report.Latency.P90,
                p95 = report.Latency.P95,
                p99 = report.Latency.P99,
            },
            timesMs = report.Samples,
        };
        return ReportJson.Serialize(document);
    }

    /// <summary>Writes <see cref="Serialize"/>'s text to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string model, InferenceBackend backend, LatencyReport report, BackendChoice? choice = null) =>
        AtomicFile.WriteAllText(path, Serialize(model, backend, report, choice));
}
