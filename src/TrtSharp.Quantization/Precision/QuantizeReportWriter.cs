using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TrtSharp.IO;
using TrtSharp.Onnx.Normalization;
using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>Writes a quantization's report: JSON for machines, a text summary for people, histogram PNGs with thresholds.</summary>
internal static class QuantizeReportWriter
{
    /// <summary>
    /// Writes <c>report.json</c> and <c>summary.txt</c> into <paramref name="directory"/>; returns the paths.
    /// <paramref name="search"/>, when given, is written as the report's <c>search</c> section (e.g. an exclusion search's trials).
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, string modelPath, QuantizeResult result, IReadOnlyList<OutputAgreement>? validation, object? search = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        string json = Path.Combine(directory, "report.json");
        AtomicFile.WriteAllText(json, ReportJson.Serialize(new
        {
            model = modelPath,
            profile = result.Qdq.Profile,
            opset = new { original = result.Qdq.OriginalOpset, quantized = result.Qdq.Opset },
            normalization = result.Normalization is { } n ? NormalizationJson(n) : null,
            calibration_seconds = result.CalibrationTime.TotalSeconds,
            method_selection = result.Selection,
            tensors = result.Ranges.Select(r => new
            {
                name = r.Name,
                count = r.Count,
                min = r.Min,
                max = r.Max,
                amax = r.Amax,
                method = r.ChosenMethod,
                method_reason = r.Reason,
                scale = r.Amax / 127f,
                saturation_percent = r.SaturationPercent,
                amax_by_method = r.AmaxByMethod.ToDictionary(p => p.Key.ToString().ToLowerInvariant(), p => p.Value),
            }),
            quantized_tensors = result.Qdq.Tensors,
            nodes = result.Qdq.Nodes,
            // What --exclude-nodes takes back to reproduce this placement (patterns the user gave, expanded to node names).
            exclude_nodes = result.Qdq.Nodes.Where(n => n.Status == NodeStatus.Excluded).Select(n => n.NodeName),
            search,
            warnings = result.Qdq.Warnings.Concat(result.Cache.Warnings),
            validation,
        }));
        string summary = Path.Combine(directory, "summary.txt");
        AtomicFile.WriteAllText(summary, Summary(modelPath, result, validation));
        return [json, summary];
    }

    /// <summary>One histogram PNG per tensor, drawn by <paramref name="plot"/>, with each method's threshold marked; returns the files written.</summary>
    public static IReadOnlyList<string> WritePlots(string directory, QuantizeResult result, HistogramPlotter plot)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(plot);
        var written = new List<string>();
        foreach (var stats in result.Statistics)
        {
            var range = result.Ranges.First(r => r.Name == stats.TensorName);
            string file = Path.Combine(directory, FileNames.Safe(stats.TensorName) + ".png");
            var markers = range.AmaxByMethod.Select(p => ((double)p.Value, $"{p.Key.ToString().ToLowerInvariant()} {p.Value:g4}{(p.Key == range.ChosenMethod ? " (chosen)" : "")}")).ToList();
            plot(file, $"{stats.TensorName}: |x| histogram, {range.SaturationPercent:0.###}% clipped", stats.Histogram.Counts, stats.Histogram.Range, "|x|", markers);
            written.Add(file);
        }
        return written;
    }

    /// <summary>The human summary: the candidates of the automatic choice, every tensor's range and method with the reasons, warnings, validation.</summary>
    public static string Summary(string modelPath, QuantizeResult result, IReadOnlyList<OutputAgreement>? validation)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        string opset = result.Qdq.OriginalOpset == result.Qdq.Opset
            ? string.Create(inv, $"opset {result.Qdq.Opset}")
            : string.Create(inv, $"opset {result.Qdq.OriginalOpset} -> {result.Qdq.Opset}");
        s.AppendLine(inv, $"INT8 quantization of {modelPath} ({result.Qdq.Profile} placement, {opset})");
        if (result.Normalization is { Changed: true } normalization)
        {
            s.AppendLine(inv, $"normalized: {normalization.Summary()}");
        }
        s.AppendLine(inv, $"{result.Ranges.Count} tensors calibrated in {result.CalibrationTime.TotalSeconds:0.00} s; {result.Qdq.Tensors.Count} quantized tensors; "
            + $"{result.Qdq.Nodes.Count(n => n.Status == NodeStatus.Quantized)} quantized nodes");
        if (result.Selection is { } selection)
        {
            s.AppendLine();
            s.AppendLine(inv, $"methods compared on {selection.Data} ({selection.Elapsed.TotalSeconds:0.0} s): {selection.Chosen.Name} chosen");
            foreach (var c in selection.Candidates)
            {
                string note = c.SameModelAs is { } same ? $", same model as {same.ToString().ToLowerInvariant()}" : "";
                s.AppendLine(c.Batches == 0
                    ? string.Create(inv, $"  {c.Name,-11} not run (every candidate gave the same model), {c.FallBacks} tensors guarded")
                    : string.Create(inv, $"  {c.Name,-11} lowest output cosine {c.MinCosine:0.00000}, lowest SNR {c.MinSnrDb:0.0} dB, {c.Batches} batches judged, {c.FallBacks} tensors guarded{note}"));
            }
        }
        s.AppendLine();
        s.AppendLine(inv, $"{"tensor",-40} {"min",10} {"max",10} {"amax",10} {"method",-10} {"max",9} {"entropy",9} {"pctl",9} {"mse",9} {"clip%",7}");
        foreach (var r in result.Ranges)
        {
            string M(CalibrationMethod m) => r.AmaxByMethod.TryGetValue(m, out float v) ? v.ToString("g4", inv) : "-";
            // A range read from a calibration cache has no method of its own, only the cache's algorithm.
            string method = r.AmaxByMethod.Count == 0 ? "cache" : r.ChosenMethod.ToString().ToLowerInvariant();
            s.AppendLine(inv, $"{Shorten(r.Name, 40),-40} {r.Min,10:g4} {r.Max,10:g4} {r.Amax,10:g4} {method,-10} {M(CalibrationMethod.Max),9} {M(CalibrationMethod.Entropy),9} {M(CalibrationMethod.Percentile),9} {M(CalibrationMethod.Mse),9} {r.SaturationPercent,7:0.###}");
        }
        // Why each tensor got its method, grouped: the automatic choice gives one reason to most tensors.
        var reasons = result.Ranges.Where(r => r.Reason is not null).GroupBy(r => r.Reason!, StringComparer.Ordinal).ToList();
        if (reasons.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("why each tensor got its method:");
            foreach (var g in reasons.OrderByDescending(g => g.Count()))
            {
                s.AppendLine(g.Count() == 1 ? $"  {g.First().Name}: {g.Key}" : string.Create(inv, $"  {g.Count()} tensors: {g.Key}"));
            }
        }
        foreach (string w in result.Qdq.Warnings.Concat(result.Cache.Warnings))
        {
            s.AppendLine(inv, $"warning: {w}");
        }
        if (validation is not null)
        {
            s.AppendLine();
            s.AppendLine("validation against FP32 on held-out data (ONNX Runtime):");
            foreach (var v in validation)
            {
                s.AppendLine(inv, $"  {v.Name}: cosine {v.Cosine:0.00000} (min per sample {v.MinSampleCosine:0.00000}), SNR {v.SnrDb:0.0} dB, max abs err {v.MaxAbsoluteError:g4}, mean abs err {v.MeanAbsoluteError:g4}");
            }
        }
        return s.ToString();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : "…" + text[^(max - 1)..];

    private static object NormalizationJson(NormalizationReport n) => new
    {
        original_opset = n.OriginalOpset,
        opset = n.Opset,
        constants_hoisted = n.ConstantsHoisted,
        shapes_resolved = n.ShapesResolved,
        nodes_folded = n.NodesFolded,
        nodes_removed = n.NodesRemoved,
        initializers_removed = n.InitializersRemoved,
        conversions = n.Conversions,
        notes = n.Notes,
    };
}
