using System.CommandLine;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.OnnxRuntime;
using TrtSharp.Onnx.Validation;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp check &lt;model&gt;</c>: lists everything wrong with an ONNX model's graph, operators and tensors.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An ONNX model (.onnx)." };
        var json = new Option<string?>("--json") { Description = "Also write the problems as JSON to this file ('-' for stdout only)." };
        var ort = new Option<bool>("--ort") { Description = "Also load the model in ONNX Runtime (CPU) and report its refusal, which catches what the static rules cannot (types, kernels)." };
        var command = new Command("check", "Lint an ONNX model: topological order, cycles, undefined and duplicate values, operators known in their domain and opset, attribute types, tensor data against shapes. Exit 1 when anything is wrong.")
        {
            model, json, ort,
        };
        CommandRunner.SetAction(command, parse =>
        {
            string path = parse.GetRequiredValue(model);
            var (onnx, found) = ModelValidator.LoadAndValidate(path);
            var problems = found.ToList();
            if (parse.GetValue(ort) && RuntimeRefusal(path) is { } refusal)
            {
                problems.Add(new ModelProblem(ModelProblemKind.RuntimeRefused, "main", null, refusal));
            }
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            var report = new
            {
                file = path,
                // From the proto: the graph view sizes initializers, which fails on the absurd shapes reported here.
                nodes = onnx.Proto.Graph.Node.Count,
                valid = problems.Count == 0,
                problems = problems.Select(ProblemJson.Of).ToArray(),
            };
            string? jsonPath = parse.GetValue(json);
            if (jsonPath == "-")
            {
                console.WriteLine(ReportJson.Serialize(report));
                return problems.Count == 0 ? 0 : CommandRunner.CheckFailed;
            }
            ProblemTable.Write(console, problems);
            console.WriteLine(problems.Count == 0
                ? $"{path}: no problems ({report.nodes} nodes)"
                : $"{path}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}");
            if (jsonPath is not null)
            {
                ReportJson.Write(jsonPath, report);
                console.WriteLine($"report written to {jsonPath}");
            }
            return problems.Count == 0 ? 0 : CommandRunner.CheckFailed;
        });
        return command;
    }

    // ONNX Runtime's own reason for refusing the model, or null when it loads.
    private static string? RuntimeRefusal(string path)
    {
        try
        {
            using var session = OnnxRuntimeSession.FromFile(path, new OnnxRuntimeOptions { LogSeverity = SessionFactory.LogSeverity, IntraOpThreads = 1 });
            return null;
        }
        catch (ModelFormatException e)
        {
            return "ONNX Runtime: " + e.Reason.ReplaceLineEndings(" ");
        }
    }
}
