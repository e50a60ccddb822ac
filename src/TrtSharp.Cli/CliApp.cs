using System.CommandLine;
using System.CommandLine.Help;
using TrtSharp.Cli.Commands;
using TrtSharp.Cli.Infrastructure;

namespace TrtSharp.Cli;

/// <summary>
/// The whole command line as a method: builds the commands and runs one invocation against the given writers,
/// so that tests run commands in-process exactly as users do.
/// </summary>
internal static class CliApp
{
    /// <summary>The root command with every subcommand registered.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("trtsharp: prepare ONNX models on the CPU and build and run them with TensorRT or ONNX Runtime.");
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(BuildCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ConformanceCommand.Create());
        root.Subcommands.Add(QuantizeCommand.Create());
        root.Subcommands.Add(AutoCastCommand.Create());
        root.Subcommands.Add(SensitivityCommand.Create());
        root.Subcommands.Add(ExportTritonCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>; tables and reports go to <paramref name="output"/>, errors to
    /// <paramref name="error"/>. A usage error is one line and exit code 2, like every other bad input.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ParseResult result = BuildRoot().Parse(args);
        if (result.Errors.Count > 0 && result.Action is not HelpAction)
        {
            string command = result.CommandResult.Command is RootCommand ? "trtsharp" : $"trtsharp {result.CommandResult.Command.Name}";
            string message = string.Join(' ', result.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            error.WriteLine($"trtsharp: {message} (see '{command} --help')");
            return CommandRunner.Error;
        }
        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
