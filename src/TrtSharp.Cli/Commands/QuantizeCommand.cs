using System.CommandLine;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Datasets;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.Sensitivity;
using TrtSharp.Tools.Models;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Cli.Commands;

/// <summary>
/// <c>trtsharp quantize &lt;model&gt;</c>: INT8 post-training quantization on the CPU — a Q/DQ model that TensorRT 10
/// and 11 build (or one for ONNX Runtime's CPU integer kernels), TensorRT 10's calibration cache, a report, validation.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The FP32 ONNX model." };
        var data = new Option<string[]>("--data") { Description = "Calibration data: .npy/.npz/.pb files, folders of them, per-sample sub-folders, or a .csv manifest (repeatable).", DefaultValueFactory = _ => [] };
        var speech = new Option<string?>("--speech") { Description = "Calibrate a speech-embedding model from WAV clips: a manifest.csv (its 'calib' split calibrates, 'holdout' validates)." };
        var mel = new Option<string?>("--mel") { Description = "The melspectrogram model for --speech (default: the default speech models')." };
        var holdout = new Option<string[]>("--holdout") { Description = "Validation data not used for calibration, in the same layouts as --data.", DefaultValueFactory = _ => [] };
        var method = new Option<string>("--method") { Description = "Activation range method: auto (default: each method tried with a collapse guard, and a per-tensor mix chosen by each tensor's error at its weighted layers; the best on calibration batches held back wins), entropy, max, percentile or mse.", DefaultValueFactory = _ => "auto" };
        var percentile = new Option<double>("--percentile") { Description = "Percentile for --method percentile.", DefaultValueFactory = _ => PercentileRangeAlgorithm.DefaultPercentile };
        var target = new Option<string>("--for") { Description = "Q/DQ placement: trt (TensorRT explicit quantization) or ort-cpu (ONNX Runtime CPU integer kernels).", DefaultValueFactory = _ => "trt" };
        var excludeNodes = new Option<string[]>("--exclude-nodes") { Description = "Node names or glob patterns (* ?) to keep in float (repeatable).", DefaultValueFactory = _ => [] };
        var excludeOps = new Option<string[]>("--exclude-ops") { Description = "Operator types or patterns to keep in float, e.g. Gemm (repeatable).", DefaultValueFactory = _ => [] };
        var output = new Option<string?>("--output", "-o") { Description = "The Q/DQ model (default: <model>.int8.qdq.onnx, or <model>.int8.ort.onnx with --for ort-cpu)." };
        var cache = new Option<string?>("--cache") { Description = "The TensorRT 10 calibration cache (default: <model name>.calib.cache next to the output)." };
        var trtVersion = new Option<string>("--trt-version") { Description = "TensorRT version written in the cache header.", DefaultValueFactory = _ => "10.16.1" };
        var report = new Option<string?>("--report") { Description = "Report folder: report.json, summary.txt (default: <output>.report)." };
        var plots = new Option<bool>("--plots") { Description = "Also write a histogram PNG per tensor with each method's threshold." };
        var calibrateAll = new Option<bool>("--calibrate-all") { Description = "Calibrate every float activation, not only those that get Q/DQ: the cache and report then cover every tensor (TensorRT implicit INT8 reads them all); slower, more memory." };
        var fromCache = new Option<string?>("--from-cache") { Description = "Skip calibration: take the ranges from an existing TensorRT calibration cache." };
        var targets = new TargetSearch();
        var batch = new Option<int>("--batch-size") { Description = "Windows per batch for --speech.", DefaultValueFactory = _ => SpeechWindowDataset.DefaultBatchSize };
        var command = new Command("quantize", "INT8 post-training quantization on the CPU: calibrate on ONNX Runtime, write a Q/DQ model, a TensorRT 10 calibration cache and a report, and validate against FP32.")
        {
            model, data, speech, mel, holdout, method, percentile, target, excludeNodes, excludeOps, output, cache, trtVersion, report, plots, calibrateAll, fromCache, batch,
        };
        foreach (Option option in targets.All)
        {
            command.Options.Add(option);
        }
        CommandRunner.SetAction(command, (parse, cancellationToken) =>
        {
            string modelPath = parse.GetRequiredValue(model);
            var profile = ParseProfile(parse.GetRequiredValue(target));
            CheckRanges(parse.GetValue(percentile), parse.GetValue(batch));
            AgreementTarget? goal = targets.Read(parse);
            var options = new QuantizeOptions
            {
                Method = ParseMethod(parse.GetRequiredValue(method)),
                Percentile = parse.GetValue(percentile),
                CalibrateAllTensors = parse.GetValue(calibrateAll),
                CacheTensorRtVersion = CalibrationCache.ParseVersion(parse.GetRequiredValue(trtVersion)),
                Qdq = new QdqOptions { Profile = profile, ExcludeNodes = parse.GetRequiredValue(excludeNodes), ExcludeOpTypes = parse.GetRequiredValue(excludeOps) },
            };
            string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, Path.GetFileNameWithoutExtension(modelPath));
            string outputPath = parse.GetValue(output) ?? stem + (profile == QdqProfile.OrtCpu ? ".int8.ort.onnx" : ".int8.qdq.onnx");
            // Outputs go together, next to -o: the input model may sit in a folder that is not the user's to write into.
            string cachePath = parse.GetValue(cache)
                ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputPath))!, Path.GetFileNameWithoutExtension(modelPath) + ".calib.cache");
            string reportDir = parse.GetValue(report) ?? outputPath + ".report";
            foreach ((string flag, string file) in new[] { ("-o", outputPath), ("--cache", cachePath) })
            {
                if (Directory.Exists(file))
                {
                    throw new ArgumentException($"{flag} {file}: is a directory; give a file path");
                }
            }
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            var runtime = new OnnxRuntimeOptions { LogSeverity = SessionFactory.LogSeverity };

            // Normalized (and refused if it cannot be) before any data is read or calibration runs.
            var normalized = OnnxModel.LoadNormalized(modelPath);
            if (normalized.Normalization!.Changed)
            {
                console.WriteLine($"normalized: {normalized.Normalization.Summary()}");
            }
            using var datasets = QuantizeData.Open(normalized, modelPath, parse.GetRequiredValue(data), parse.GetValue(speech), parse.GetValue(mel),
                parse.GetRequiredValue(holdout), parse.GetValue(batch), needCalibration: parse.GetValue(fromCache) is null, cancellationToken);
            if (goal is not null && datasets.Holdout is null)
            {
                throw new ArgumentException($"{TargetSearch.Flag(goal)} needs held-out data: --holdout, or --speech (its holdout split)");
            }
            QuantizeResult result = parse.GetValue(fromCache) is { } cacheIn
                ? ModelQuantizer.FromCache(normalized, CalibrationCache.Read(cacheIn), options)
                : ConsoleProgress.Run(progress => ModelQuantizer.Quantize(normalized, datasets.Calibration!, options, runtime, progress, cancellationToken));

            result.Model.Save(outputPath);
            // With --from-cache the cache is an input: write it only where --cache names another file.
            bool writeCache = parse.GetValue(fromCache) is not { } source
                || (parse.GetValue(cache) is { } explicitCache && Path.GetFullPath(explicitCache) != Path.GetFullPath(source));
            if (writeCache)
            {
                result.Cache.Write(cachePath);
            }

            IReadOnlyList<OutputAgreement>? validation = null;
            if (datasets.Holdout is not null)
            {
                using var fp32 = InferenceSessionFactory.Open(normalized, new InferenceSessionOptions { Backend = InferenceBackend.OnnxRuntime, OnnxRuntime = runtime });
                using var int8 = OnnxRuntimeSession.FromFile(outputPath, runtime);
                validation = QuantizationValidation.Compare(fp32.Session, int8, datasets.Holdout, cancellationToken);
            }
            ExclusionSearchResult<QuantizeResult>? search = null;
            if (goal is not null && validation is not null && !goal.IsMet(validation))
            {
                // Missed: keep the most sensitive quantized nodes in float (same ranges, no recalibration) until the target holds.
                console.WriteLine($"target {goal} missed ({string.Join(", ", goal.Misses(validation))}): searching for nodes to keep in float");
                var missed = result;
                search = ConsoleProgress.Run(progress => ExclusionSearch.ForQuantization(normalized, missed, options, datasets.Holdout!, goal,
                    parse.GetValue(targets.MaxExcluded), null, runtime, progress, cancellationToken));
                result = search.Final;
                validation = search.Agreement;
                result.Model.Save(outputPath);
            }
            var files = QuantizeReportWriter.Write(reportDir, modelPath, result, validation, search is null ? null : TargetSearch.Section(goal!, search)).ToList();
            if (parse.GetValue(plots))
            {
                files.AddRange(QuantizeReportWriter.WritePlots(Path.Combine(reportDir, "plots"), result, ReportPlots.Histogram));
            }

            Render(console, result, validation);
            if (validation is null)
            {
                console.WriteLine("note: validation skipped: no held-out data (give --holdout, or --speech with a holdout split, to compare INT8 with FP32)");
            }
            console.WriteLine($"Q/DQ model: {outputPath}");
            console.WriteLine(writeCache ? $"calibration cache: {cachePath}" : $"calibration cache: {parse.GetValue(fromCache)} (read, unchanged)");
            console.WriteLine($"report: {reportDir} ({files.Count} files)");
            foreach (string w in result.Qdq.Warnings.Concat(result.Cache.Warnings).Concat(ClippingWarnings(result)))
            {
                console.WriteLine($"warning: {w}");
            }
            if (search is not null)
            {
                TargetSearch.Describe(console, "kept in float (give back with --exclude-nodes; report.json's exclude_nodes)", search);
            }
            if (goal is not null && validation is not null && !TargetSearch.Verdict(console, goal, validation))
            {
                return Task.FromResult(CommandRunner.CheckFailed);
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Numeric options out of range fail here, before any model is read or calibrated.</summary>
    private static void CheckRanges(double percentile, int batchSize)
    {
        if (!(percentile >= 0 && percentile <= 100))
        {
            throw new ArgumentException($"--percentile {percentile}: must lie in [0, 100] (e.g. 99.99)");
        }
        if (batchSize < 1)
        {
            throw new ArgumentException($"--batch-size {batchSize}: must be at least 1");
        }
    }

    /// <summary>Ranges that clip hard (calibrated runs only: a cache read carries no histograms), at most a few by name.</summary>
    private static IEnumerable<string> ClippingWarnings(QuantizeResult result)
    {
        const int shown = 5;
        var suspects = ClippingCheck.Suspects(result.Ranges);
        foreach (var range in suspects.Take(shown))
        {
            yield return ClippingCheck.Describe(range);
        }
        if (suspects.Count > shown)
        {
            yield return $"{suspects.Count - shown} more tensors clip hard (report.json lists every tensor's clipped %)";
        }
    }

    /// <summary>"opset 13", or "opset 11 -> 13" when the model was moved to another opset.</summary>
    internal static string OpsetText(long original, long written) => original == written ? $"opset {written}" : $"opset {original} -> {written}";

    internal static QdqProfile ParseProfile(string text) => text switch
    {
        "trt" or "tensorrt" => QdqProfile.TensorRt,
        "ort-cpu" => QdqProfile.OrtCpu,
        _ => throw new ArgumentException($"--for '{text}': use trt or ort-cpu"),
    };

    internal static CalibrationMethod? ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "auto" => null,
        "entropy" => CalibrationMethod.Entropy,
        "max" or "minmax" => CalibrationMethod.Max,
        "percentile" => CalibrationMethod.Percentile,
        "mse" => CalibrationMethod.Mse,
        _ => throw new ArgumentException($"--method '{text}': use auto, entropy, max, percentile or mse"),
    };

    private static void Render(CliConsole console, QuantizeResult result, IReadOnlyList<OutputAgreement>? validation)
    {
        var widest = result.Ranges.OrderByDescending(r => r.Amax).Take(8).ToList();
        var ranges = new Table().Border(TableBorder.Rounded).Title($"{result.Ranges.Count} tensors calibrated (widest shown; all in report.json)")
            .AddColumns("tensor", "min", "max", "amax", "method", "clipped %");
        foreach (var r in widest)
        {
            ranges.AddRow(Markup.Escape(r.Name), Numbers.G(r.Min), Numbers.G(r.Max), Numbers.G(r.Amax), r.ChosenMethod.ToString().ToLowerInvariant(), $"{r.SaturationPercent:0.####}");
        }
        console.Write(ranges);
        if (result.Selection is { } selection)
        {
            var methods = new Table().Border(TableBorder.Rounded)
                .Title(Markup.Escape($"methods compared on {selection.Data} ({selection.Elapsed.TotalSeconds:0.0} s" +
                    (selection.Candidates.Any(c => c.Batches > 0 && c.Batches < selection.Candidates.Max(o => o.Batches)) ? "; a method dropped after the first batch is scored on that batch alone)" : ")")))
                .AddColumns("method", "lowest output cosine", "lowest SNR dB", "batches judged", "tensors guarded", "");
            foreach (MethodCandidate c in selection.Candidates)
            {
                string note = c == selection.Chosen ? "chosen"
                    : c.SameModelAs is { } same ? $"same model as {same.ToString().ToLowerInvariant()}"
                    : c.Batches < selection.Candidates.Max(o => o.Batches) ? "dropped after the first batch"
                    : "";
                bool judged = c.Batches > 0;
                methods.AddRow(c.Name, judged ? $"{c.MinCosine:0.00000}" : "-", judged ? $"{c.MinSnrDb:0.0}" : "-",
                    c.Batches.ToString(System.Globalization.CultureInfo.InvariantCulture), c.FallBacks.ToString(System.Globalization.CultureInfo.InvariantCulture), note);
            }
            console.Write(methods);
            var byMethod = result.Ranges.GroupBy(r => r.ChosenMethod).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
            string rule = selection.Chosen.PerTensor
                ? "each tensor read by a weighted layer got the method with the least error at that layer's output, mse the others"
                : "a tensor the chosen method clips hard falls back to percentile, then max";
            console.WriteLine($"ranges: {string.Join(", ", byMethod)} ({rule}; each tensor's method and reason are in report.json)");
        }
        var placement = result.Qdq.Nodes.GroupBy(n => n.Status).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        console.WriteLine($"{result.Qdq.Profile} placement: {result.Qdq.Tensors.Count} quantized tensors; nodes: {string.Join(", ", placement)}; {OpsetText(result.Qdq.OriginalOpset, result.Qdq.Opset)}");
        if (validation is null)
        {
            return;
        }
        console.Write(AgreementTable.Create("INT8 vs FP32 on held-out data (ONNX Runtime)", validation));
    }
}
