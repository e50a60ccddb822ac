using System.CommandLine;
using System.Globalization;
using System.CommandLine.Help;
using System.Text;
using TrtSharp.Cli;

namespace TrtSharp.Tests.Docs;

/// <summary>
/// Writes docs/cli.md from the CLI itself: the <c>--help</c> text of the root command and of every command below it,
/// in registration order. Help is formatted at a fixed width and in the invariant UI culture, so the text depends on
/// neither the terminal (System.CommandLine wraps at the console's width, or not at all when output is redirected) nor
/// the machine's language (System.CommandLine localizes its headings; the projects run with invariant globalization
/// today, and this keeps the reference English should that change).
/// </summary>
internal static class CliReference
{
    /// <summary>Width at which the help columns wrap in the document.</summary>
    public const int Width = 120;

    /// <summary>The tool's command name, shown in usage lines instead of the host process's name.</summary>
    private const string ToolName = "trtsharp";

    /// <summary>The whole document.</summary>
    public static string Generate()
    {
        CultureInfo ui = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try
        {
            return GenerateInvariant();
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
        }
    }

    private static string GenerateInvariant()
    {
        RootCommand root = CliApp.BuildRoot();
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction action)
            {
                action.MaxWidth = Width;
            }
        }

        var doc = new StringBuilder();
        doc.Append("# `trtsharp` command reference\n\n");
        doc.Append("Generated from `trtsharp <command> --help` by `dotnet cake --target=CliDocs`; do not edit by hand. ");
        doc.Append("The test `CliReferenceDocTests` fails when this file differs from the current help text. ");
        doc.Append("For how the commands fit together see [guide.md](guide.md).\n\n");
        doc.Append("Exit codes: 0 success; 1 a failed check (compare, conformance, `--target-cosine`, a model with problems in ");
        doc.Append("`check`/`inspect`); 2 bad input or a usage error, reported as one line `trtsharp: <reason>` on stderr. ");
        doc.Append("ONNX Runtime's own log is kept to fatal messages in every command: a model failing on its data is that one line ");
        doc.Append("(ONNX Runtime's error, naming the node), not also ONNX Runtime's log of it.\n\n");

        var commands = new List<(string Path, Command Command)>();
        Collect(root, [], commands);
        doc.Append("## Commands\n\n");
        foreach (var (path, command) in commands.Skip(1))
        {
            doc.Append("- [`").Append(path).Append("`](#").Append(Anchor(path)).Append(") — ")
                .Append(FirstSentence(command.Description)).Append('\n');
        }
        foreach (var (path, _) in commands)
        {
            doc.Append("\n## ").Append(path).Append("\n\n```text\n").Append(HelpText(root, path)).Append("```\n");
        }
        return doc.ToString();
    }

    private static void Collect(Command command, string[] prefix, List<(string, Command)> into)
    {
        string[] path = command is RootCommand ? [] : [.. prefix, command.Name];
        into.Add((string.Join(' ', [ToolName, .. path]), command));
        foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
        {
            Collect(sub, path, into);
        }
    }

    /// <summary>What <c>trtsharp … --help</c> prints, with the tool's name in the usage line.</summary>
    private static string HelpText(RootCommand root, string path)
    {
        string[] args = [.. path.Split(' ').Skip(1), "--help"];
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        if (code != 0 || error.ToString().Length > 0)
        {
            throw new InvalidOperationException($"'{path} --help' exited {code}: {error}");
        }
        var lines = output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select(l => l.TrimEnd())
            .Select(l => l.StartsWith("  " + root.Name, StringComparison.Ordinal) ? "  " + ToolName + l[(2 + root.Name.Length)..] : l);
        return string.Join('\n', lines).Trim('\n') + "\n";
    }

    private static string FirstSentence(string? description)
    {
        string text = (description ?? string.Empty).ReplaceLineEndings(" ").Trim();
        int stop = text.IndexOf(". ", StringComparison.Ordinal);
        return stop > 0 ? text[..(stop + 1)] : text;
    }

    /// <summary>GitHub's heading anchor: lower case, spaces to hyphens, punctuation other than '-' dropped.</summary>
    private static string Anchor(string heading) =>
        new(heading.ToLowerInvariant().Replace(' ', '-').Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());
}
