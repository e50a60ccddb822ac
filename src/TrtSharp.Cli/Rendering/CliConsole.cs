using Spectre.Console;
using Spectre.Console.Rendering;

namespace TrtSharp.Cli.Rendering;

/// <summary>
/// Where a command writes its report: Spectre tables through a console over the invocation's writer (the terminal,
/// a pipe, or a test's StringWriter), plain lines straight to the writer so that they never wrap mid-number.
/// </summary>
internal sealed class CliConsole
{
    /// <summary>Width used for tables when the output is not a terminal: wide enough for the statistics tables.</summary>
    public const int RedirectedWidth = 140;

    private readonly IAnsiConsole _console;
    private readonly TextWriter _writer;

    private CliConsole(IAnsiConsole console, TextWriter writer)
    {
        _console = console;
        _writer = writer;
    }

    /// <summary>A console over <paramref name="writer"/>: colours only on a real terminal, a fixed width otherwise.</summary>
    public static CliConsole Create(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }
        return new CliConsole(console, writer);
    }

    /// <summary>Draws a table or other Spectre widget.</summary>
    public void Write(IRenderable renderable) => _console.Write(renderable);

    /// <summary>Writes one plain line (no markup, no wrapping).</summary>
    public void WriteLine(string line = "") => _writer.WriteLine(line);
}
