using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Datasets;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.AutoCast;
using TrtSharp.Quantization.Precision.Sensitivity;
using TrtSharp.Tools.Reporting;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Cli.Commands;

/// <summary>
/// <c>trtsharp sensitivity &lt;model&gt; --mode int8|fp16|bf16</c>: which layers break reduced precision — each layer
/// (or partition) reduced alone, ranked by its outputs' agreement with float32 on held-out data.
/// </summary>
internal static class SensitivityCommand
{
    /// <summary>Rows of the ranked table printed (the JSON has all).</summary>
    private const int Shown = 20;

    /// <summary>Bars in the PNG.</summary>
    private const int Plotted = 30;

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The float32 ONNX model." };
        var mode = new Option<string>("--mode") { Description = "int8 (Q/DQ), fp16 or bf16 (AutoCast).", DefaultValueFactory = _ => "int8" };
        var data = new Option<string[]>("--data") { Description = "Calibration data (int8) or data for AutoCast's range rules, as for quantize (repeatable).", DefaultValueFactory = _ => [] };
        var speech = new Option<string?>("--speech") { Description = "A speech manifest.csv: 'calib' clips calibrate, 'holdout' clips measure." };
        var mel = new Option<string?>("--mel") { Description = "The melspectrogram model for --speech (default: the default speech models')." };
        var holdout = new Option<string[]>("--holdout") { Description = "Held-out data the agreement is measured on.", DefaultValueFactory = _ => [] };
        var batch = new Option<int>("--batch-size") { Description = "Windows per batch for --speech.", DefaultValueFactory = _ => SpeechWindowDataset.DefaultBatchSize };
        var partition = new Option<int>("--partition-size") { Description = "Layers reduced together, consecutive in topological order (1: one at a time).", DefaultValueFactory = _ => 1 };
        var target = new Option<string>("--for") { Description = "int8 Q/DQ placement: trt or ort-cpu.", DefaultValueFactory = _ => "trt" };
        var method = new Option<string>("--method") { Description = "int8 range method: auto (default), entropy, max, percentile or mse.", DefaultValueFactory = _ => "auto" };
        var json = new Option<string?>("--json") { Description = "Write the ranking as JSON." };
        var plot = new Option<string?>("--plot") { Description = "Write a bar chart (PNG) of the most sensitive layers." };
        var command = new Command("sensitivity", "Rank layers by how much reducing each one alone (INT8 or FP16/BF16) hurts the outputs against float32 on held-out data.")
        {
            model, mode, data, speech, mel, holdout, batch, partition, target, method, json, plot,
        };
        CommandRunner.SetAction(command, (parse, cancellationToken) =>
        {
            string modelPath = parse.GetRequiredValue(model);
            string modeText = parse.GetRequiredValue(mode);
            bool int8 = modeText == "int8";
            ReducedPrecision? reduced = modeText switch
            {
                "int8" => null,
                "fp16" or "bf16" => ReducedPrecisionInfo.Parse(modeText),
                _ => throw new ArgumentException($"--mode '{modeText}': use int8, fp16 or bf16"),
            };
            var sensitivity = new SensitivityOptions { PartitionSize = parse.GetValue(partition) };
            if (sensitivity.PartitionSize < 1)
            {
                throw new ArgumentException($"--partition-size {sensitivity.PartitionSize}: must be at least 1");
            }
            if (parse.GetValue(batch) < 1)
            {
                throw new ArgumentException($"--batch-size {parse.GetValue(batch)}: must be at least 1");
            }
            var profile = QuantizeCommand.ParseProfile(parse.GetRequiredValue(target));
            var quantize = new QuantizeOptions { Method = QuantizeCommand.ParseMethod(parse.GetRequiredValue(method)), Qdq = new QdqOptions { Profile = profile } };
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            var runtime = new OnnxRuntimeOptions { LogSeverity = SessionFactory.LogSeverity };

            OnnxModel loaded = OnnxModel.LoadNormalized(modelPath);
            using var datasets = QuantizeData.Open(loaded, modelPath, parse.GetRequiredValue(data), parse.GetValue(speech), parse.GetValue(mel),
                parse.GetRequiredValue(holdout), parse.GetValue(batch), needCalibration: int8, cancellationToken);
            ICalibrationDataset held = datasets.Holdout
                ?? throw new ArgumentException("sensitivity needs held-out data: --holdout, or --speech (its holdout split)");
            SensitivityReport report = ConsoleProgress.Run(progress => int8
                ? SensitivityAnalyzer.Int8(loaded, datasets.Calibration!, held, quantize, sensitivity, runtime, progress, cancellationToken)
                : SensitivityAnalyzer.ReducedFloat(loaded, new AutoCastOptions { Target = reduced!.Value }, datasets.Calibration, held, sensitivity, runtime, progress, cancellationToken));

            Render(console, report);
            if (parse.GetValue(json) is { } jsonPath)
            {
                ReportJson.Write(jsonPath, Document(modelPath, report));
                console.WriteLine($"ranking: {jsonPath}");
            }
            if (parse.GetValue(plot) is { } plotPath)
            {
                var top = report.Ranked.Take(Plotted).ToList();
                Plots.RankedBars(plotPath, $"{report.Precision} sensitivity of {Path.GetFileName(modelPath)} (most sensitive first)",
                    [.. top.Select(t => t.Label)], [.. top.Select(t => 1 - t.Cosine)], "1 - lowest output cosine");
                console.WriteLine($"chart: {plotPath}");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The ranking as the JSON document <c>--json</c> writes (also embedded in quantize/autocast reports after a search).</summary>
    internal static object Document(string modelPath, SensitivityReport report) => new
    {
        model = modelPath,
        mode = report.Precision,
        walk = report.Walk,
        partition_size = report.PartitionSize,
        layers = report.LayerCount,
        held_out = report.HeldOut,
        seconds = report.Elapsed.TotalSeconds,
        all_reduced = report.AllReduced,
        ranked = report.Ranked.Select((r, i) => new
        {
            rank = i + 1,
            nodes = r.Layers,
            ops = r.OpTypes,
            cosine = r.Cosine,
            snr_db = r.SnrDb,
            max_abs_error = r.MaxAbsoluteError,
        }),
    };

    internal static void Render(CliConsole console, SensitivityReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{report.Precision} sensitivity: each {(report.PartitionSize == 1 ? "layer" : "partition")} reduced alone, most sensitive first"))
            .AddColumns("rank", report.PartitionSize == 1 ? "layer" : "partition", "op", "lowest cosine", "lowest SNR dB", "max abs err");
        foreach (var (entry, i) in report.Ranked.Take(Shown).Select((e, i) => (e, i)))
        {
            table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(entry.Label), Markup.Escape(string.Join(",", entry.OpTypes.Distinct())),
                $"{entry.Cosine:0.000000}", $"{entry.SnrDb:0.0}", Numbers.G(entry.MaxAbsoluteError));
        }
        console.Write(table);
        if (report.Ranked.Count > Shown)
        {
            console.WriteLine($"... and {report.Ranked.Count - Shown} more (--json writes all)");
        }
        double all = report.AllReduced.Count == 0 ? 1 : report.AllReduced.Min(a => a.Cosine);
        console.WriteLine($"every layer reduced: lowest output cosine {all:0.000000}");
        console.WriteLine($"walked {report.Walk} on {report.HeldOut}: {report.Elapsed.TotalSeconds:0.0} s");
    }
}
