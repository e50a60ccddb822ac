using System.Diagnostics;

namespace TrtSharp.BindGen;

/// <summary>Runs clang and returns its standard output; a failing clang is a fatal error with clang's message.</summary>
internal static class ClangRunner
{
    public static string Run(string clang, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(clang)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start '{clang}'");
        // Read both streams concurrently: a full stderr pipe would otherwise block clang forever.
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var stderr = stderrTask.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{clang} exited with {process.ExitCode}:\n{stderr}");
        }

        return stdout;
    }
}
