using TrtSharp.Diagnostics;

namespace TrtSharp.Cli.Infrastructure;

/// <summary>
/// Progress for long work as timestamped lines on stderr, one per stage change and per 10% step:
/// readable in a terminal and in CI logs alike (Spectre's live bars draw nothing when output is
/// redirected), and stdout stays clean for tables and JSON.
/// </summary>
internal sealed class ConsoleProgress : IProgress<ProgressUpdate>
{
    private int _lastPercent = -1;
    private string _lastStage = string.Empty;

    /// <inheritdoc/>
    public void Report(ProgressUpdate value)
    {
        int percent = value.Total > 0 ? (int)(100 * value.Done / value.Total) : -1;
        // Plain mode prints a line per stage change and per 10% step: enough to see life, not a flood.
        if (value.Stage != _lastStage || percent < 0 || percent / 10 != _lastPercent / 10 || value.Done == value.Total)
        {
            if (value.Stage == _lastStage && percent == _lastPercent)
            {
                return;
            }
            _lastStage = value.Stage;
            _lastPercent = percent;
            string amount = value.Total > 0 ? $" {value.Done}/{value.Total} ({percent}%)" : value.Done > 0 ? $" {value.Done}" : string.Empty;
            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value.Stage}{amount}");
        }
    }
}

