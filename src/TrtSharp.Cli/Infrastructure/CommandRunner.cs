using System.CommandLine;
using TrtSharp.Errors;

namespace TrtSharp.Cli.Infrastructure;

/// <summary>
/// Runs a command's body so that every failure becomes one readable line on stderr and a non-zero
/// exit code: users of a CLI need the reason, not a stack trace.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Exit code for a failed check (compare mismatch, conformance failures, missed target).</summary>
    public const int CheckFailed = 1;

    /// <summary>Exit code for bad input or an unavailable backend.</summary>
    public const int Error = 2;

    /// <summary>Attaches <paramref name="body"/> to <paramref name="command"/> with the error policy above.</summary>
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await body(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("trtsharp: cancelled");
                return Error;
            }
            catch (Exception ex) when (Describe(ex) is { } line)
            {
                // The invocation's writer, not Console.Error, so that in-process runs (tests) see the line too.
                TextWriter error = parseResult.InvocationConfiguration.Error;
                error.WriteLine($"trtsharp: {OneLine(line)}");
                if (Environment.GetEnvironmentVariable("TRTSHARP_DEBUG") == "1")
                {
                    error.WriteLine(ex);
                }
                return Error;
            }
        });
    }

    /// <summary>Attaches a synchronous body.</summary>
    public static void SetAction(Command command, Func<ParseResult, int> body) =>
        SetAction(command, (parseResult, _) => Task.FromResult(body(parseResult)));

    /// <summary>Text joined onto one line: messages from native libraries may span lines; the contract is one line.</summary>
    internal static string OneLine(string text) =>
        string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>One line for any exception; the type name only where the message alone would be unclear.</summary>
    internal static string Describe(Exception ex) => ex switch
    {
        TrtSharpException => ex.Message,
        FileNotFoundException f => $"file not found: {f.FileName ?? f.Message}",
        DirectoryNotFoundException => ex.Message,
        UnauthorizedAccessException => ex.Message,
        IOException => ex.Message,
        ArgumentException a => Plain(a),
        FormatException => ex.Message,
        InvalidOperationException => ex.Message,
        _ => $"internal error ({ex.GetType().Name}): {ex.Message} (set TRTSHARP_DEBUG=1 for details)",
    };

    /// <summary>
    /// An argument error without .NET's decorations (" (Parameter 'x')", "Actual value was …" on a second line):
    /// the parameter, the reason and the value the user gave, on one line.
    /// </summary>
    private static string Plain(ArgumentException ex)
    {
        string message = ex.Message;
        if (ex.ParamName is { } name)
        {
            message = message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }
        message = message.Split('\n')[0].TrimEnd();
        if (ex is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            message += $" (got {actual})";
        }
        return ex.ParamName is { } param && !message.Contains(param, StringComparison.Ordinal) ? $"{param}: {message}" : message;
    }
}
