using System.Diagnostics;

namespace TrtSharp.Tests.Onnx;

/// <summary>Runs scripts on the system Python with NumPy, the independent reference for .npy tests.</summary>
internal static class PythonNumpy
{
    private const string Python = "/usr/bin/python3";
    private static bool? _available;

    /// <summary>Ignores the test when /usr/bin/python3 or its numpy is missing.</summary>
    public static void RequireNumpy()
    {
        _available ??= File.Exists(Python) && TryRun("import numpy", out _);
        if (!_available.Value)
        {
            Assert.Ignore("/usr/bin/python3 with numpy is not available");
        }
    }

    /// <summary>Runs <paramref name="script"/> and returns its stdout; fails the test on a non-zero exit.</summary>
    public static string Run(string script, string? workingDirectory = null)
    {
        RequireNumpy();
        if (!TryRun(script, out string output, workingDirectory))
        {
            Assert.Fail($"python failed:\n{output}");
        }
        return output;
    }

    private static bool TryRun(string script, out string output, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        psi.ArgumentList.Add("-");
        using var process = Process.Start(psi)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            output += stderr.Result;
            return false;
        }
        return true;
    }
}
