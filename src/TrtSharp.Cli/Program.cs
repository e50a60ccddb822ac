using System.CommandLine;
using TrtSharp.Cli.Commands;

namespace TrtSharp.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("trtsharp: prepare ONNX models on the CPU and build and run them with TensorRT or ONNX Runtime.");
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ConformanceCommand.Create());
        return root.Parse(args).Invoke();
    }
}
