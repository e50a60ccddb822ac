using System.CommandLine;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Triton;

namespace TrtSharp.Cli.Commands;

/// <summary>
/// <c>trtsharp export-triton &lt;model&gt; --repo dir --name m</c>: lays a TensorRT plan or an ONNX model out as one model of a
/// Triton Inference Server model repository, for serving when one machine is not enough.
/// </summary>
internal static class ExportTritonCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A TensorRT plan (.plan/.engine) or an ONNX model (.onnx)." };
        var repo = new Option<string>("--repo") { Description = "The model repository folder (created when missing).", Required = true };
        var name = new Option<string?>("--name") { Description = "The model's name in the repository (default: the file name without extension)." };
        var maxBatch = new Option<int?>("--max-batch") { Description = "Triton's max_batch_size; 0 exports without a batch dimension. Default: the dynamic leading dimension becomes the batch dimension." };
        var dynamicBatching = new Option<bool>("--dynamic-batching") { Description = "Let Triton batch concurrent requests (needs a batch dimension)." };
        var preferred = new Option<int[]>("--preferred-batch") { Description = "Preferred batch sizes of the dynamic batcher.", AllowMultipleArgumentsPerToken = true };
        var queueDelay = new Option<long>("--max-queue-delay-us") { Description = "Longest a request may wait for a batch to fill, in microseconds (default 0)." };
        var instances = new Option<int>("--instances") { Description = "Model instances per device (default 1).", DefaultValueFactory = _ => 1 };
        var version = new Option<int>("--version") { Description = "The version folder to write (default 1).", DefaultValueFactory = _ => 1 };
        var onnx = new Option<string?>("--onnx") { Description = "For a plan where TensorRT is not installed: the ONNX model it was built from (checked against the plan's manifest)." };
        var force = new Option<bool>("--force") { Description = "Replace a model already in that version folder." };
        var command = new Command("export-triton", "Write a Triton Inference Server model repository entry (config.pbtxt + version folder) for a plan or an ONNX model.")
        {
            model, repo, name, maxBatch, dynamicBatching, preferred, queueDelay, instances, version, onnx, force,
        };
        CommandRunner.SetAction(command, parse =>
        {
            string path = parse.GetRequiredValue(model);
            var options = new TritonExportOptions
            {
                Name = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(path),
                MaxBatchSize = parse.GetValue(maxBatch),
                DynamicBatching = parse.GetValue(dynamicBatching) || (parse.GetValue(preferred)?.Length ?? 0) > 0,
                PreferredBatchSizes = parse.GetValue(preferred) ?? [],
                MaxQueueDelayMicroseconds = parse.GetValue(queueDelay),
                Instances = parse.GetValue(instances),
                Version = parse.GetValue(version),
                SourceModelPath = parse.GetValue(onnx),
                Overwrite = parse.GetValue(force),
            };
            TritonExportResult result = TritonRepositoryExporter.Export(path, parse.GetRequiredValue(repo), options);
            TextWriter console = parse.InvocationConfiguration.Output;
            console.WriteLine($"wrote {result.ModelFilePath} ({result.Platform})");
            console.WriteLine($"wrote {result.ConfigPath}:");
            console.Write(result.ConfigText);
            foreach (string note in result.Notes)
            {
                console.WriteLine($"note: {note}");
            }
            return 0;
        });
        return command;
    }
}
