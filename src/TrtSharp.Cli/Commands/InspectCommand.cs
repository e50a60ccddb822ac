using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TrtSharp.Inference;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Validation;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp inspect &lt;model&gt;</c>: what an ONNX model takes and gives, what it is made of, where its weights live.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An ONNX model (.onnx)." };
        var json = new Option<string?>("--json") { Description = "Also write the facts as JSON to this file ('-' for stdout only)." };
        var command = new Command("inspect", "Show a model's inputs and outputs (names, types, shapes), opsets, operator histogram, weight bytes (initializers and Constant nodes) and external data.")
        {
            model, json,
        };
        CommandRunner.SetAction(command, parse =>
        {
            string path = parse.GetRequiredValue(model);
            if (InferenceSessionFactory.IsPlan(path))
            {
                throw new BackendUnavailableException($"{path}: inspecting a TensorRT plan needs the TensorRT runtime, which is not available here");
            }
            // Tensor data that contradicts its shape stays fatal here (the summary needs the sizes); graph and
            // operator problems are listed, so a broken graph can still be looked at.
            var onnx = OnnxModel.Load(path);
            var problems = ModelValidator.Validate(onnx);
            var graph = onnx.Graph;
            var weights = WeightSummary.Of(graph);
            var normalization = NormalizationFacts.Of(onnx);
            var facts = new
            {
                file = path,
                ir_version = onnx.IrVersion,
                producer = $"{onnx.ProducerName} {onnx.ProducerVersion}".Trim(),
                opsets = onnx.OpsetImports.ToDictionary(o => o.Key.Length == 0 ? "ai.onnx" : o.Key, o => o.Value),
                inputs = graph.Inputs.Select(i => i.ToString()).ToArray(),
                outputs = graph.Outputs.Select(o => o.ToString()).ToArray(),
                nodes = graph.Nodes.Count,
                ops = graph.OpHistogram().ToDictionary(p => p.Key, p => p.Value),
                initializers = graph.Initializers.Count,
                initializer_bytes = weights.InitializerBytes,
                constant_nodes = weights.ConstantNodes,
                constant_node_bytes = weights.ConstantBytes,
                weight_bytes = weights.Bytes,
                parameters = weights.Parameters,
                external_data = graph.Initializers.Where(i => i.IsExternal).GroupBy(i => i.ExternalLocation ?? "?")
                    .ToDictionary(g => g.Key, g => new { tensors = g.Count(), bytes = g.Sum(i => i.ByteSize) }),
                problems = problems.Select(ProblemJson.Of).ToArray(),
                normalization,
            };
            int exitCode = problems.Count == 0 ? 0 : CommandRunner.CheckFailed;
            string? jsonPath = parse.GetValue(json);
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            if (jsonPath == "-")
            {
                console.WriteLine(ReportJson.Serialize(facts));
                return exitCode;
            }

            var io = new Table().Border(TableBorder.Rounded).AddColumns("", "tensor");
            foreach (string i in facts.inputs) { io.AddRow("input", Markup.Escape(i)); }
            foreach (string o in facts.outputs) { io.AddRow("output", Markup.Escape(o)); }
            console.Write(io);

            var ops = new Table().Border(TableBorder.Rounded).AddColumns("operator", "count");
            foreach (var (op, count) in facts.ops) { ops.AddRow(Markup.Escape(op), count.ToString()); }
            console.Write(ops);

            console.WriteLine($"model: {path}");
            console.WriteLine($"ir version {facts.ir_version}, producer '{facts.producer}', opsets {string.Join(", ", facts.opsets.Select(o => $"{o.Key} {o.Value}"))}");
            string fromConstants = weights.ConstantNodes > 0 ? $" ({weights.ConstantBytes:N0} of them in {weights.ConstantNodes} Constant nodes)" : string.Empty;
            console.WriteLine($"{facts.nodes} nodes, {facts.initializers} initializers, {facts.parameters:N0} parameters, {facts.weight_bytes:N0} bytes of weights{fromConstants}");
            foreach (var (file, info) in facts.external_data)
            {
                console.WriteLine($"external data: {file}: {info.tensors} tensors, {info.bytes:N0} bytes");
            }
            console.WriteLine($"normalization: {normalization.Summary}");
            if (jsonPath is not null)
            {
                ReportJson.Write(jsonPath, facts);
                console.WriteLine($"facts written to {jsonPath}");
            }
            ProblemTable.Write(console, problems);
            console.WriteLine(problems.Count == 0 ? "problems: none" : $"problems: {problems.Count} (see 'trtsharp check')");
            return exitCode;
        });
        return command;
    }
}
