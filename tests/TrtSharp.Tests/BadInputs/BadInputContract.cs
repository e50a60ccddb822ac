using TrtSharp.Tests.Cli;

namespace TrtSharp.Tests.BadInputs;

/// <summary>
/// What every command owes a hostile file: exit 2 with one line <c>trtsharp: …</c> naming the file and the problem, no
/// stack trace or "internal error", nothing left in the output folder, and no large managed allocation on the way.
/// </summary>
internal static class BadInputContract
{
    /// <summary>Managed bytes a refused input may cost: far below any size a hostile length could ask for.</summary>
    public const long AllocationBudget = 64L << 20;

    /// <summary>Runs <paramref name="args"/> in-process and checks the contract for <paramref name="input"/>.</summary>
    public static CliRun Check(string command, BadInput input, string path, string outputDir, params string[] args)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        CliRun run = CliRun.Of([command, .. args]);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        string[] left = Directory.EnumerateFileSystemEntries(outputDir, "*", SearchOption.AllDirectories).ToArray();
        if (run.ExitCode == 0 && input.MayPassIn(command))
        {
            Assert.That(run.Error, Does.Not.Contain("   at "), run.ToString());
            return run;
        }
        if (run.ExitCode == 1 && command == "inspect" && input.MayPassIn(command))
        {
            // A readable model with graph problems: inspect shows it with its problems section and fails the check (exit 1).
            Assert.That(run.Out, Does.Contain("problem"), run.ToString());
            Assert.That(run.Error, Does.Not.Contain("   at "), run.ToString());
            return run;
        }
        string named = NamedFile(input, path);
        string[] lines = run.Error.TrimEnd().Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(lines, Has.Length.EqualTo(1), run.Error);
            Assert.That(lines[0], Does.StartWith("trtsharp: "), run.Error);
            if (input.MayPass.Length == 0)
            {
                // A file valid as a file (a flipped weight bit, a huge declared input) may be refused for the tensor at fault instead.
                Assert.That(lines[0], Does.Contain(named), run.Error);
            }
            Assert.That(lines[0].Length, Is.GreaterThan("trtsharp: ".Length + 16), "the line gives a reason: " + run.Error);
            Assert.That(lines[0].Length, Is.LessThan(2000), "the line stays readable");
            Assert.That(run.Error, Does.Not.Contain("   at ").And.Not.Contain("internal error"));
            Assert.That(left, Is.Empty, "outputs left behind");
            Assert.That(allocated, Is.LessThan(AllocationBudget), $"{allocated:N0} managed bytes allocated");
        });
        return run;
    }

    /// <summary>The path the error line must contain: the clip for WAV inputs (the command is given its manifest), else the file itself.</summary>
    public static string NamedFile(BadInput input, string path) =>
        input.Kind == BadInputKind.Wav ? Path.Combine(Path.GetDirectoryName(path)!, "clip.wav") : path;
}
