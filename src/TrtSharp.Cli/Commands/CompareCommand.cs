using System.CommandLine;
using Spectre.Console;
using TrtSharp.Cli.Commands.Compare;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Comparison;
using TrtSharp.Inference;
using TrtSharp.IO;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;
using TrtSharp.Tools.Reporting;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp compare a b</c>: does a match the reference b on the same inputs?</summary>
internal static class CompareCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var a = new Argument<string>("a") { Description = "The model or plan to check (.onnx on TensorRT where it can run, else ONNX Runtime; .plan/.engine on TensorRT)." };
        var b = new Argument<string>("b") { Description = "The reference model or plan." };
        var backendA = BackendOption("--backend-a", "Backend for a: auto (the best one usable here), ort or trt.");
        var backendB = BackendOption("--backend-b", "Backend for b: auto (the best one usable here), ort or trt.");
        var input = new Option<string[]>("--input") { Description = "An input from a file: name=file.npy or name=file.pb (repeatable).", DefaultValueFactory = _ => [] };
        var data = new Option<string?>("--data") { Description = "Inputs from files, in the layouts quantize --data reads: a folder of <name>.npy, .npz or input_N.pb files, per-sample sub-folders or a .csv manifest (its first sample is used)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random inputs (inputs not given as files).", DefaultValueFactory = _ => 42 };
        var shapes = new Option<string?>("--shapes") { Description = "Concrete input shapes, trtexec style: name:1x3x224x224[,name2:…]. Dynamic dimensions default to 1." };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance.", DefaultValueFactory = _ => 1e-5 };
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance.", DefaultValueFactory = _ => 1e-5 };
        var perOutput = new Option<string[]>("--per-output") { Description = "Tolerance for one output: name:atol,rtol (repeatable).", DefaultValueFactory = _ => [] };
        var check = new Option<string>("--check")
        {
            Description = "Statistic of |a-b| that decides: max (every element), mean, median or quantile:0.99.",
            DefaultValueFactory = _ => "max",
        };
        var markAll = new Option<bool>("--mark-all") { Description = "Both ONNX on ONNX Runtime: compare every floating-point tensor the models share, list the layers that lose the most SNR and report where the error first jumps." };
        var allLayers = new Option<bool>("--all-layers") { Description = "With --mark-all: also list every compared layer in node order (the JSON always has them)." };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file." };
        var plots = new Option<string?>("--plots") { Description = "Write a PNG histogram of |a-b| per output into this folder." };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };

        var command = new Command("compare", "Run two models or plans on the same inputs and compare every output with the reference (b). Exit 0 when all match, 1 when any differs, 2 on bad input.")
        {
            a, b, backendA, backendB, input, data, seed, shapes, atol, rtol, perOutput, check, markAll, allLayers, json, plots, threads,
        };
        CommandRunner.SetAction(command, parse =>
        {
            string pathA = parse.GetRequiredValue(a), pathB = parse.GetRequiredValue(b);
            (ErrorStatistic statistic, double quantile) = ErrorCheck.ParseStatistic(parse.GetRequiredValue(check));
            double absolute = parse.GetValue(atol), relative = parse.GetValue(rtol);
            if (absolute < 0 || relative < 0)
            {
                throw new ArgumentException("--atol and --rtol must be non-negative");
            }
            var settings = new ComparisonSettings(new ErrorCheck(new Tolerance(relative, absolute), statistic, quantile),
                parse.GetRequiredValue(perOutput).Select(ComparisonSettings.ParsePerOutput).ToDictionary(p => p.Name, p => p.Tolerance, StringComparer.Ordinal));
            Dictionary<string, long[]>? shapeOverrides = parse.GetValue(shapes) is { } s ? ShapeSpec.Parse(s) : null;
            InferenceBackend? requestedA = SessionFactory.Parse(parse.GetRequiredValue(backendA));
            InferenceBackend? requestedB = SessionFactory.Parse(parse.GetRequiredValue(backendB));
            bool layerwise = parse.GetValue(markAll);
            if (layerwise)
            {
                // The taps run on ONNX Runtime, so both sides do too: auto means ONNX Runtime here.
                (requestedA, requestedB) = (LayerwiseBackend(pathA, requestedA), LayerwiseBackend(pathB, requestedB));
            }
            int intraOp = parse.GetValue(threads);
            // Also given to the layerwise comparison, which opens its tapped sessions itself.
            Action<OnnxRuntimeOptions> configure = o =>
            {
                o.IntraOpThreads = intraOp;
                o.LogSeverity = SessionFactory.LogSeverity;
            };
            int seedValue = parse.GetValue(seed);

            using OpenedSession openedB = SessionFactory.Open(pathB, requestedB, configure);
            using OpenedSession openedA = SessionFactory.Open(pathA, requestedA, configure);
            IInferenceSession reference = openedB.Session, actual = openedA.Session;
            InputFiles.Loaded files = InputFiles.Load(reference.Inputs, parse.GetRequiredValue(input), parse.GetValue(data));
            Dictionary<string, HostTensor> inputs = ComparisonInputs.Create(reference.Inputs, files.Tensors, shapeOverrides, seedValue);
            var sources = inputs.Keys.ToDictionary(k => k, k => files.Sources.GetValueOrDefault(k) ?? $"random (seed {seedValue})", StringComparer.Ordinal);
            ComparisonReport report = ModelComparison.Run(actual, reference, inputs, settings, pathA, pathB, sources);
            LayerwiseReport? layers = layerwise ? LayerwiseComparison.Run(pathA, pathB, inputs, settings.Default, configure) : null;

            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            if (parse.GetRequiredValue(backendA) == "auto")
            {
                console.WriteLine(SessionFactory.ChoiceLine(openedA.Choice, "a"));
            }
            if (parse.GetRequiredValue(backendB) == "auto")
            {
                console.WriteLine(SessionFactory.ChoiceLine(openedB.Choice, "b"));
            }
            if (files.DataSamples > 1)
            {
                console.WriteLine($"note: --data holds {files.DataSamples} samples; this run uses the first");
            }
            CompareRenderer.Render(console, report, layers, parse.GetValue(allLayers));
            if (parse.GetValue(json) is { } jsonPath)
            {
                ComparisonJson.Write(jsonPath, report, layers, new ComparedBackends(openedA.Choice, openedB.Choice));
                console.WriteLine($"report written to {jsonPath}");
            }
            if (parse.GetValue(plots) is { } plotFolder)
            {
                foreach (string written in WritePlots(plotFolder, report))
                {
                    console.WriteLine($"plot written to {written}");
                }
            }
            return report.Passed ? 0 : CommandRunner.CheckFailed;
        });
        return command;
    }

    /// <summary>--mark-all's backend for one side: ONNX Runtime, refusing a plan or an explicit trt.</summary>
    private static InferenceBackend LayerwiseBackend(string path, InferenceBackend? requested) =>
        requested is null or InferenceBackend.OnnxRuntime && !InferenceSessionFactory.IsPlan(path) ? InferenceBackend.OnnxRuntime
            : throw new ArgumentException("--mark-all needs both a and b as ONNX models on ONNX Runtime (it taps intermediate tensors there)");

    private static Option<string> BackendOption(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => "auto" };
        option.AcceptOnlyFromAmong(SessionFactory.Backends);
        return option;
    }

    /// <summary>One PNG per compared output: the |a−b| histogram with the absolute tolerance marked.</summary>
    private static List<string> WritePlots(string folder, ComparisonReport report)
    {
        var written = new List<string>();
        Directory.CreateDirectory(folder);
        foreach (OutputComparison o in report.Outputs.Where(o => o.Reference.Count > 0))
        {
            string path = Path.Combine(folder, $"{FileNames.Safe(o.Name)}.abs_error.png");
            double tolerance = report.Check.Tolerance.AbsoluteTolerance;
            Plots.Histogram(path, $"|a - b| of '{o.Name}' ({(o.Passed ? "passed" : "failed")})", o.ErrorHistogram, Math.Max(o.ErrorHistogramMax, double.Epsilon),
                "|a - b|", tolerance <= o.ErrorHistogramMax ? [(tolerance, "atol")] : null);
            written.Add(path);
        }
        return written;
    }
}
