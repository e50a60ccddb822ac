using TrtSharp.Cli;

namespace TrtSharp.Tests.Cli;

/// <summary>One in-process invocation of the CLI: exit code and what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts the bad-input contract: exit 2, one line on stderr containing <paramref name="fragment"/>, no stack trace.</summary>
    public void AssertOneLineError(string fragment)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ExitCode, Is.EqualTo(2), Out + Error);
            Assert.That(Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), Error);
            Assert.That(Error, Does.StartWith("trtsharp: ").And.Contain(fragment));
            Assert.That(Error, Does.Not.Contain("   at "));
        });
    }

    public void AssertExit(int expected) => Assert.That(ExitCode, Is.EqualTo(expected), ToString());

    public override string ToString() => $"exit {ExitCode}\n{Out}\n{Error}";
}
