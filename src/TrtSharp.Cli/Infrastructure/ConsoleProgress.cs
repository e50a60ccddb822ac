using Spectre.Console;
using TrtSharp.Diagnostics;

namespace TrtSharp.Cli.Infrastructure;

/// <summary>
/// Progress for long work, on stderr so stdout stays clean for tables and JSON: a live Spectre.Console bar per stage
/// on an interactive terminal, otherwise timestamped lines (Spectre draws nothing when output is redirected, and CI
/// logs need something) — one per stage change and per 10% step, or every 10 units when the total is unknown.
/// </summary>
internal sealed class ConsoleProgress : IProgress<ProgressUpdate>
{
    private int _lastPercent = -1;
    private string _lastStage = string.Empty;

    /// <summary>Runs <paramref name="work"/> with a progress sink suited to where stderr goes.</summary>
    public static T Run<T>(Func<IProgress<ProgressUpdate>, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Console.IsErrorRedirected)
        {
            return work(new ConsoleProgress());
        }
        // stderr is a terminal (whatever stdout is): Spectre would infer "not interactive" from a redirected stdout, so say so.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
        });
        return console.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx => work(new LiveProgress(ctx)));
    }

    /// <inheritdoc/>
    public void Report(ProgressUpdate value)
    {
        int percent = value.Total > 0 ? (int)(100 * value.Done / value.Total) : -1;
        bool newStage = value.Stage != _lastStage;
        bool step = value.Total > 0
            ? percent / 10 != _lastPercent / 10 || (value.Done == value.Total && percent != _lastPercent)
            : value.Done == 1 || value.Done % 10 == 0;
        if (!newStage && !step)
        {
            return;
        }
        _lastStage = value.Stage;
        _lastPercent = percent;
        string amount = value.Total > 0 ? $" {value.Done}/{value.Total} ({percent}%)" : value.Done > 0 ? $" {value.Done}" : string.Empty;
        Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value.Stage}{amount}");
    }

    /// <summary>One Spectre progress task per stage; a stage with no known total shows as indeterminate.</summary>
    private sealed class LiveProgress(ProgressContext context) : IProgress<ProgressUpdate>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public void Report(ProgressUpdate value)
        {
            lock (_gate)
            {
                if (!_tasks.TryGetValue(value.Stage, out var task))
                {
                    foreach (var previous in _tasks.Values)
                    {
                        previous.StopTask();
                    }
                    task = context.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
                    _tasks[value.Stage] = task;
                }
                task.IsIndeterminate = value.Total <= 0;
                if (value.Total > 0)
                {
                    task.MaxValue = value.Total;
                    task.Value = value.Done;
                }
                else
                {
                    task.Description = Markup.Escape($"{value.Stage} ({value.Done})");
                }
            }
        }
    }
}
