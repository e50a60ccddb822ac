using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TrtSharp.Cli.Infrastructure;
using TrtSharp.Cli.Rendering;
using TrtSharp.Inference;
using TrtSharp.Models;
using TrtSharp.OnnxRuntime;
using TrtSharp.Speech;

namespace TrtSharp.Cli.Commands;

/// <summary>
/// <c>trtsharp demo</c>: the main job on the default speech models — install them, show what they take and
/// give, and run the streaming wake-word pipeline (audio → mel → embedding → wake-word scores) on ONNX Runtime
/// over the speech calibration set.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "A calibration set manifest.csv (default: calibration-data/manifest.csv of this checkout)." };
        var cache = new Option<string?>("--cache") { Description = "Model cache root (default: $TRTSHARP_CACHE or ~/.cache/trtsharp)." };
        var outputDir = new Option<string?>("--output-dir") { Description = "Folder for the demo's outputs (reports)." };
        var command = new Command("demo", "Run the default speech pipeline end to end on ONNX Runtime and report wake-word detections.")
        {
            data, cache, outputDir,
        };
        CommandRunner.SetAction(command, (parseResult, cancellationToken) =>
        {
            var console = CliConsole.Create(parseResult.InvocationConfiguration.Output);
            var models = DefaultModels.EnsureInstalled(parseResult.GetValue(cache), new Progress<string>(m => Console.Error.WriteLine(m)), cancellationToken);
            string manifest = parseResult.GetValue(data) ?? RepoPaths.FindCalibrationManifest()
                ?? throw new FileNotFoundException("no calibration-data/manifest.csv here; pass --data <manifest.csv>");
            var clips = SpeechClipManifest.Read(manifest);
            string[] heads = ["hey_jarvis", "alexa", "hey_mycroft", "hey_rhasspy"];

            // One shared ORT thread pool for all sessions: seven pools spinning on two cores cost 6× (SPEECH-PIPELINE.md).
            var options = new OnnxRuntimeOptions { UseGlobalThreadPool = true };
            using var mel = OnnxRuntimeSession.FromFile(models.Melspectrogram, options);
            using var embedding = OnnxRuntimeSession.FromFile(models.Embedding, options);
            var headSessions = heads.Select(h => OnnxRuntimeSession.FromFile(models.WakeWordHeads[h], options)).ToArray();
            try
            {
                DescribeModels(console, [("melspectrogram", mel), ("embedding", embedding), .. heads.Zip(headSessions, (h, s) => (h, (IInferenceSession)s))]);
                using var pipeline = new WakeWordPipeline(mel, embedding, heads.Zip(headSessions, (h, s) => new WakeWordHead(h, s)).ToArray());
                var clock = Stopwatch.StartNew();
                var scores = WakeWordEvaluation.ScoreClips(pipeline, clips, new ConsoleProgress(), cancellationToken);
                double seconds = clock.Elapsed.TotalSeconds;
                RenderScores(console, scores, heads);
                double audioSeconds = clips.Sum(c => c.Samples) / (double)WakeWordFraming.SampleRate;
                long chunks = clips.Sum(c => c.Samples / WakeWordFraming.ChunkSamples);
                console.WriteLine($"pipeline: {clips.Count} clips, {audioSeconds:0.0} s of audio in {seconds:0.00} s " +
                    $"({1000 * seconds / Math.Max(chunks, 1):0.00} ms per 80 ms chunk, {audioSeconds / seconds:0}× real time) on {embedding.Device}");
                return Task.FromResult(0);
            }
            finally
            {
                foreach (var s in headSessions)
                {
                    s.Dispose();
                }
            }
        });
        return command;
    }

    private static void DescribeModels(CliConsole console, IEnumerable<(string Name, IInferenceSession Session)> sessions)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "inputs", "outputs");
        foreach (var (name, session) in sessions)
        {
            table.AddRow(Markup.Escape(name),
                Markup.Escape(string.Join("\n", session.Inputs.Select(i => i.ToString()))),
                Markup.Escape(string.Join("\n", session.Outputs.Select(o => o.ToString()))));
        }
        console.Write(table);
    }

    private static void RenderScores(CliConsole console, IReadOnlyList<ClipScores> scores, string[] heads)
    {
        var summary = new Table().Border(TableBorder.Rounded).AddColumns("head", "wake clips detected", "lowest wake score", "false alarms", "highest non-wake score");
        for (int h = 0; h < heads.Length; h++)
        {
            var wake = scores.Where(s => s.Clip.WakeWord == heads[h]).ToList();
            var other = scores.Where(s => s.Clip.WakeWord != heads[h]).ToList();
            int detected = wake.Count(s => s.MaxScores[h] >= WakeWordEvaluation.DefaultThreshold);
            int falseAlarms = other.Count(s => s.MaxScores[h] >= WakeWordEvaluation.DefaultThreshold);
            summary.AddRow(heads[h], $"{detected}/{wake.Count}",
                wake.Count > 0 ? $"{wake.Min(s => s.MaxScores[h]):0.000}" : "-",
                $"{falseAlarms}/{other.Count}",
                other.Count > 0 ? $"{other.Max(s => s.MaxScores[h]):0.000}" : "-");
        }
        console.Write(summary);
    }
}
