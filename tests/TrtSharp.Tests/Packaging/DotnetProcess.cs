using System.Diagnostics;

namespace TrtSharp.Tests.Packaging;

/// <summary>The result of one child process: exit code, output and how long it took.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>Output and error together, for failure messages.</summary>
    public string Output => Stdout + Stderr;
}

/// <summary>
/// Runs a program the way a user of the packages would, in a clean environment: the variables the Test target sets
/// for the checkout's own shim are removed, so the package's shim must be found on its own.
/// </summary>
internal static class DotnetProcess
{
    private static readonly string[] Removed = ["TRTSHARP_NATIVE_PATH", "TRTSHARP_REQUIRE_NATIVE", "TRTSHARP_PACKAGE_FEED"];

    public static ProcessResult Run(string program, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (string name in Removed)
        {
            info.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        process.WaitForExit();
        var result = new ProcessResult(process.ExitCode, stdout.Result, stderr.Result, watch.Elapsed);
        TestContext.Out.WriteLine($"$ {program} {string.Join(' ', args)}  ({result.Elapsed.TotalSeconds:0.0} s, exit {result.ExitCode})");
        return result;
    }
}
