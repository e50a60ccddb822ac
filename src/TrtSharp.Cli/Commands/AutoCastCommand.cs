using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.AutoCast;
using TrtSharp.Quantization.Precision.Sensitivity;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Cli.Commands;

/// <summary>
/// <c>trtsharp autocast &lt;model&gt; -o model.fp16.onnx [--to fp16|bf16]</c>: converts a float32 model to mixed precision
/// for TensorRT 11's strongly typed builds, keeping fragile and out-of-range parts in float32 with the reason.
/// </summary>
internal static class AutoCastCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A float32 ONNX model (.onnx)." };
        var output = new Option<string?>("--output", "-o") { Description = "The converted model (default: <model>.fp16.onnx or <model>.bf16.onnx)." };
        var to = new Option<string>("--to") { Description = "fp16 (default) or bf16.", DefaultValueFactory = _ => "fp16" };
        var keepIo = new Option<bool>("--keep-io-types") { Description = "Graph inputs and outputs stay float32 (default true; --keep-io-types false converts them).", DefaultValueFactory = _ => true };
        var keepOps = new Option<string[]?>("--keep-ops") { Description = "Operator types (glob patterns) kept float32, replacing the default list (reductions, Exp/Log/Pow, normalizations); 'none' for none.", AllowMultipleArgumentsPerToken = true };
        var keepNodes = new Option<string[]>("--keep-nodes") { Description = "Node names or glob patterns kept float32 (repeatable; a report's keep list can be given back).", DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = true };
        var data = new Option<string[]>("--data") { Description = "Data for the range rules: .npy/.npz/.pb files or folders (as for quantize).", DefaultValueFactory = _ => [] };
        var speech = new Option<string?>("--speech") { Description = "A speech manifest.csv: its 'calib' clips feed the range rules, its 'holdout' clips validate." };
        var mel = new Option<string?>("--mel") { Description = "The melspectrogram model for --speech (default: the default speech models')." };
        var holdout = new Option<string[]>("--holdout") { Description = "Held-out data: validate the converted model against float32.", DefaultValueFactory = _ => [] };
        var batch = new Option<int>("--batch-size") { Description = "Windows per batch for --speech.", DefaultValueFactory = _ => SpeechWindowDataset.DefaultBatchSize };
        var samples = new Option<int>("--max-samples") { Description = "Batches the range rules read at most.", DefaultValueFactory = _ => 64 };
        var report = new Option<string?>("--report") { Description = "Report JSON (default: <output>.autocast.json)." };
        var targets = new TargetSearch();
        var command = new Command("autocast", "Convert a float32 model to mixed FP16/BF16 precision (for TensorRT 11's strong typing), keeping fragile and out-of-range nodes in float32 with the reason.")
        {
            model, output, to, keepIo, keepOps, keepNodes, data, speech, mel, holdout, batch, samples, report,
        };
        foreach (Option option in targets.All)
        {
            command.Options.Add(option);
        }
        CommandRunner.SetAction(command, (parse, cancellationToken) =>
        {
            string modelPath = parse.GetRequiredValue(model);
            ReducedPrecision target = ReducedPrecisionInfo.Parse(parse.GetRequiredValue(to));
            string[]? ops = parse.GetValue(keepOps);
            var options = new AutoCastOptions
            {
                Target = target,
                KeepIoTypes = parse.GetValue(keepIo),
                KeepOpTypes = ops is null or [] ? AutoCastOptions.DefaultKeepOpTypes
                    : ops is ["none"] ? new Dictionary<string, string>()
                    : ops.SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        .Distinct(StringComparer.Ordinal).ToDictionary(o => o, _ => "in --keep-ops", StringComparer.Ordinal),
                KeepNodes = parse.GetRequiredValue(keepNodes),
                MaxSamples = parse.GetValue(samples),
            };
            options.Validate();
            if (parse.GetValue(batch) < 1)
            {
                throw new ArgumentException($"--batch-size must be at least 1, got {parse.GetValue(batch)}");
            }
            AgreementTarget? goal = targets.Read(parse);
            string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, Path.GetFileNameWithoutExtension(modelPath));
            string outputPath = parse.GetValue(output) ?? $"{stem}.{target.Name()}.onnx";
            string reportPath = parse.GetValue(report) ?? outputPath + ".autocast.json";
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);

            // Normalized before any data is read: a model that cannot be converted to opset 13 is refused here, naming the node.
            OnnxModel original = OnnxModel.LoadNormalized(modelPath);
            using var datasets = QuantizeData.Open(original, modelPath, parse.GetRequiredValue(data), parse.GetValue(speech), parse.GetValue(mel),
                parse.GetRequiredValue(holdout), parse.GetValue(batch), needCalibration: false, cancellationToken);
            if (goal is not null && datasets.Holdout is null)
            {
                throw new ArgumentException($"{TargetSearch.Flag(goal)} needs held-out data: --holdout, or --speech (its holdout split)");
            }
            AutoCastResult result = ConsoleProgress.Run(progress => AutoCaster.Convert(original, options, datasets.Calibration, progress, cancellationToken));
            result.Model.Save(outputPath);

            var runtime = new OnnxRuntimeOptions { LogSeverity = SessionFactory.LogSeverity };
            string loads = LoadCheck(result, runtime);
            IReadOnlyList<OutputAgreement>? validation = null;
            // Validation runs the emulation, not the converted model: ONNX Runtime's CPU provider has few FP16 kernels (no BF16 ones)
            // and computes the rest in float32 between Casts it may fuse, so it would round at fewer places than the model says.
            string validatedOn = $"float32 emulation rounding every value the converted model holds in {target.Name()}";
            if (datasets.Holdout is not null)
            {
                using var fp32 = OnnxRuntimeSession.FromFile(modelPath, runtime);
                using var emulation = OnnxRuntimeSession.FromModel(result.Emulation.Proto.Clone(), runtime);
                validation = QuantizationValidation.Compare(fp32, emulation, datasets.Holdout, cancellationToken);
            }
            ExclusionSearchResult<AutoCastResult>? search = null;
            if (goal is not null && validation is not null && !goal.IsMet(validation))
            {
                // Missed: keep the most sensitive converted nodes in float32 (the measured magnitudes reused) until the target holds.
                console.WriteLine($"target {goal} missed ({string.Join(", ", goal.Misses(validation))}): searching for nodes to keep in float32");
                var missed = result;
                search = ConsoleProgress.Run(progress => ExclusionSearch.ForAutoCast(original, options, missed, datasets.Holdout!, goal,
                    parse.GetValue(targets.MaxExcluded), null, runtime, progress, cancellationToken));
                result = search.Final;
                validation = search.Agreement;
                result.Model.Save(outputPath);
                loads = LoadCheck(result, runtime);
            }
            ReportJson.Write(reportPath, new
            {
                model = modelPath,
                output = outputPath,
                target = target.Name(),
                keep_io_types = options.KeepIoTypes,
                reduced_nodes = result.ReducedNodes,
                float_nodes = result.FloatNodes,
                casts_inserted = result.CastsInserted,
                casts_retargeted = result.CastsRetyped,
                weight_bytes = result.WeightBytes,
                converted_weight_bytes = result.ConvertedWeightBytes,
                data_rules = result.UsedData,
                seconds = result.Elapsed.TotalSeconds,
                kept = result.Kept.Select(k => new { node = k.Node, op = k.OpType, rule = k.Rule.ToString(), reason = k.Reason }),
                keep_nodes = result.Kept.Select(k => k.Node),
                // The nodes the target search kept (what --keep-nodes takes back to reproduce the run).
                exclude_nodes = search?.KeptInFloat ?? [],
                search = search is null ? null : TargetSearch.Section(goal!, search),
                validated_on = validation is null ? null : validatedOn,
                onnx_runtime_load = loads,
                validation,
            });

            Render(console, result);
            if (validation is not null)
            {
                console.Write(AgreementTable.Create($"{target.Name().ToUpperInvariant()} vs FP32 on held-out data ({validatedOn})", validation));
            }
            else
            {
                console.WriteLine("validation skipped: no held-out data (--holdout, or --speech with a holdout split)");
            }
            console.WriteLine($"{target.Name()} model: {outputPath} ({loads})");
            console.WriteLine($"report: {reportPath}");
            if (search is not null)
            {
                TargetSearch.Describe(console, "kept float32 by the search (give back with --keep-nodes; the report's exclude_nodes)", search);
            }
            if (goal is not null && validation is not null && !TargetSearch.Verdict(console, goal, validation))
            {
                return Task.FromResult(CommandRunner.CheckFailed);
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Whether ONNX Runtime's CPU provider loads the converted model, in words.</summary>
    private static string LoadCheck(AutoCastResult result, OnnxRuntimeOptions runtime)
    {
        try
        {
            using var session = OnnxRuntimeSession.FromModel(result.Model.Proto.Clone(), runtime);
            return "loads in ONNX Runtime (CPU provider)";
        }
        catch (ModelFormatException ex) when (ex.InnerException is OnnxRuntimeException ort)
        {
            // Typically "Could not find an implementation for <op>": no CPU kernel for the reduced type (BF16); TensorRT runs it.
            return $"does not load in ONNX Runtime's CPU provider: {ort.Message.Split('\n')[0].Trim()}";
        }
    }

    private static void Render(CliConsole console, AutoCastResult result)
    {
        string name = result.Target.Name();
        console.WriteLine($"{result.ReducedNodes} of {result.FloatNodes} float node(s) converted to {name}; {result.ConvertedWeightShare:P1} of the float32 weight bytes " +
            $"({result.ConvertedWeightBytes:N0} of {result.WeightBytes:N0}) converted; {result.CastsInserted} Cast(s) inserted, {result.CastsRetyped} retargeted; " +
            $"{result.Elapsed.TotalSeconds:F1} s{(result.UsedData ? "" : " (no data: range rules used the weights only)")}");
        if (result.Kept.Count == 0)
        {
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"{result.Kept.Count} node(s) kept float32").AddColumns("node", "op", "rule", "reason");
        foreach (KeptNode k in result.Kept.Take(30))
        {
            table.AddRow(Markup.Escape(k.Node), Markup.Escape(k.OpType), k.Rule.ToString(), Markup.Escape(k.Reason));
        }
        console.Write(table);
        if (result.Kept.Count > 30)
        {
            console.WriteLine($"... and {result.Kept.Count - 30} more in the report");
        }
    }
}
