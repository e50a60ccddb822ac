using System.Diagnostics;

namespace TrtSharp.Tests.Interop;

/// <summary>Builds small real shared libraries with g++ for loader tests (a library whose dependency is then removed, say).</summary>
internal static class SharedLibraryCompiler
{
    /// <summary>Runs g++ with <paramref name="arguments"/>; ignores the test when g++ is missing, fails it when compilation fails.</summary>
    public static void Compile(string arguments)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("builds a Linux shared library with g++");
        }
        ProcessStartInfo start = new("g++", arguments) { RedirectStandardError = true };
        Process? started = null;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("g++ is not installed (a set-up prerequisite)");
        }
        using var process = started!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, errors);
    }
}
