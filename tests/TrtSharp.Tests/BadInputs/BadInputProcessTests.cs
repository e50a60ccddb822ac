using System.Diagnostics;
using TrtSharp.Tests.Cli;
using static TrtSharp.Tests.BadInputs.BadInputCorpus;

namespace TrtSharp.Tests.BadInputs;

/// <summary>
/// A few hostile files through the real executable in a child process: the in-process tests cannot see a native crash
/// (it would take the test host down) or what the process prints outside the invocation's writers.
/// </summary>
[TestFixture]
public partial class BadInputProcessTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "TrtSharp.Cli.dll");

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("inspect", "model-deep-nesting");
        yield return new TestCaseData("inspect", "model-external-symlink");
        yield return new TestCaseData("run", "model-bitflip-3");
        yield return new TestCaseData("run", "model-typed-data-short");
        yield return new TestCaseData("run", "model-input-shape-huge");
        yield return new TestCaseData("bench", "model-truncated-50");
        yield return new TestCaseData("run", "plan-random");
        yield return new TestCaseData("compare", "model-unknown-operator");
        yield return new TestCaseData("build", "model-dims-overflow");
    }

    [TestCaseSource(nameof(Cases))]
    public void ExitsTwoWithOneLine(string command, string name)
    {
        var (input, path) = Get(name);
        string[] args = command == "compare" ? [command, path, GoodModel] : [command, path];
        var (code, stdout, stderr) = Run(args);
        string[] lines = stderr.TrimEnd().Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(code, input.MayPassIn(command) ? Is.EqualTo(0).Or.EqualTo(2) : Is.EqualTo(2), stdout + stderr);
            if (code != 0)
            {
                Assert.That(lines, Has.Length.EqualTo(1), stderr);
                Assert.That(lines[0], Does.StartWith("trtsharp: "));
            }
            Assert.That(stdout + stderr, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"));
        });
    }

    /// <summary>
    /// A model that fails on the data itself (a dynamic size its Reshape cannot take): ONNX Runtime logs the failing kernel
    /// on the process's stderr as well as returning it, which the in-process tests do not see. The CLI keeps that log
    /// quiet, so the returned error is the one line.
    /// </summary>
    [TestCase("run")]
    [TestCase("quantize")]
    [TestCase("compare")]
    [TestCase("autocast")]
    [TestCase("sensitivity")]
    public void AModelFailingOnTheDataPrintsOnlyItsOwnLine(string command)
    {
        var folder = Directory.CreateTempSubdirectory("trtsharp-rows");
        try
        {
            var (model, calibration, holdout, _) = RowsOfFourModel.Write(folder.FullName);
            // For sensitivity, a held-out set whose first sample runs (the up-front check) and whose second does not: the
            // failure comes from the library's own trial sessions.
            string mixed = Path.Combine(folder.FullName, "mixed");
            Directory.CreateDirectory(mixed);
            File.Copy(Directory.GetFiles(calibration)[0], Path.Combine(mixed, "a.npy"));
            File.Copy(Directory.GetFiles(holdout)[0], Path.Combine(mixed, "b.npy"));
            string output = Path.Combine(folder.FullName, "out.onnx");
            string[] args = command switch
            {
                "run" => ["run", model, "--data", holdout, "--backend", "ort"],
                "compare" => ["compare", model, model, "--data", holdout, "--backend-a", "ort", "--backend-b", "ort"],
                "autocast" => ["autocast", model, "--data", holdout, "-o", output],
                "sensitivity" => ["sensitivity", model, "--mode", "int8", "--data", calibration, "--holdout", mixed, "--method", "max"],
                _ => ["quantize", model, "--data", holdout, "--method", "max", "-o", output],
            };
            var (code, stdout, stderr) = Run(args);
            // Progress goes to stderr as plain "[hh:mm:ss] step" lines off a terminal; besides those, one line.
            string[] lines = [.. stderr.TrimEnd().Split('\n').Where(l => !ProgressLine().IsMatch(l))];
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(2), stdout + stderr);
                Assert.That(lines, Has.Length.EqualTo(1), stderr);
                Assert.That(lines[0], Does.StartWith("trtsharp: ").And.Contain(RowsOfFourModel.Failure));
            });
        }
        finally
        {
            folder.Delete(true);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\[\d\d:\d\d:\d\d\] ")]
    private static partial System.Text.RegularExpressions.Regex ProgressLine();

    private static (int Code, string Out, string Error) Run(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Cli);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"trtsharp {string.Join(' ', args)} did not finish in 60 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
