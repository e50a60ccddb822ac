using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Comparison;
using TrtSharp.Inference;
using TrtSharp.IO;
using TrtSharp.Onnx.Numpy;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp run &lt;model&gt;</c>: runs a model or plan once on given or seeded random inputs and saves the outputs as .npy.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An ONNX model (.onnx, ONNX Runtime) or a TensorRT plan (.plan)." };
        var backend = new Option<string>("--backend") { Description = "auto (TensorRT where it can run, else ONNX Runtime; a plan needs TensorRT), ort or trt.", DefaultValueFactory = _ => "auto" };
        var input = new Option<string[]>("--input") { Description = "An input from a file: name=file.npy or name=file.pb (repeatable). Inputs not given are random.", DefaultValueFactory = _ => [] };
        var data = new Option<string?>("--data") { Description = "Inputs from files, in the layouts quantize --data reads: a folder of <name>.npy, .npz or input_N.pb files, per-sample sub-folders or a .csv manifest (its first sample is used)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random inputs.", DefaultValueFactory = _ => 42 };
        var shapes = new Option<string?>("--shapes") { Description = "Input shapes for dynamic dimensions, trtexec style: name:1x76x32x1[,…] (default 1)." };
        var outputDir = new Option<string?>("--output-dir") { Description = "Save every output as <name>.npy in this folder." };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("run", "Run a model once and print each output's shape and statistics; --output-dir saves them as .npy.")
        {
            model, backend, input, data, seed, shapes, outputDir, threads,
        };
        CommandRunner.SetAction(command, parse =>
        {
            string path = parse.GetRequiredValue(model);
            int intraOp = parse.GetValue(threads);
            InferenceBackend? requested = SessionFactory.Parse(parse.GetRequiredValue(backend));
            using OpenedSession opened = SessionFactory.Open(path, requested, o => o.IntraOpThreads = intraOp);
            IInferenceSession session = opened.Session;
            InputFiles.Loaded files = InputFiles.Load(session.Inputs, parse.GetRequiredValue(input), parse.GetValue(data));
            var shapeOverrides = parse.GetValue(shapes) is { } s ? ShapeSpec.Parse(s) : null;
            var inputs = ComparisonInputs.Create(session.Inputs, files.Tensors, shapeOverrides, parse.GetValue(seed));

            var clock = Stopwatch.StartNew();
            var outputs = session.Run(inputs);
            double ms = clock.Elapsed.TotalMilliseconds;

            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            if (requested is null)
            {
                console.WriteLine(SessionFactory.ChoiceLine(opened.Choice));
            }
            if (files.DataSamples > 1)
            {
                console.WriteLine($"note: --data holds {files.DataSamples} samples; this run uses the first");
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("", "name", "type", "shape", "mean", "min", "max", "from");
            foreach (var d in session.Inputs)
            {
                AddRow(table, "input", d.Name, inputs[d.Name], files.Sources.GetValueOrDefault(d.Name) ?? $"random (seed {parse.GetValue(seed)})");
            }
            foreach (var (name, tensor) in outputs)
            {
                AddRow(table, "output", name, tensor, string.Empty);
            }
            console.Write(table);
            console.WriteLine($"ran on {session.Backend.Name()} ({session.Device}) in {ms:0.00} ms (first run, includes warm-up)");
            if (parse.GetValue(outputDir) is { } dir)
            {
                foreach (var (name, tensor) in outputs)
                {
                    string file = Path.Combine(dir, FileNames.Safe(name) + ".npy");
                    NpyFile.Write(file, tensor);
                    console.WriteLine($"saved {name} to {file}");
                }
            }
            return 0;
        });
        return command;
    }

    private static void AddRow(Table table, string kind, string name, HostTensor tensor, string source)
    {
        string mean = "-", min = "-", max = "-";
        if (TensorValues.IsNumeric(tensor) && tensor.ElementCount > 0)
        {
            var stats = ValueStatistics.Compute(TensorValues.ToDoubles(tensor));
            (mean, min, max) = (Numbers.G(stats.Mean), Numbers.G(stats.Min), Numbers.G(stats.Max));
        }
        table.AddRow(kind, Markup.Escape(name), TensorElementTypeInfo.Name(tensor.ElementType), Markup.Escape(HostTensor.FormatShape(tensor.Shape)), mean, min, max, Markup.Escape(source));
    }
}
