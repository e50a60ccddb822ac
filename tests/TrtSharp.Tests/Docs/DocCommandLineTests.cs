using System.Text.RegularExpressions;
using TrtSharp.Cli;

namespace TrtSharp.Tests.Docs;

/// <summary>
/// Every <c>trtsharp</c> command line in the shell blocks of the guide, triton.md and the README parses with the current
/// CLI: no unknown command or option, no missing argument, no value the parser refuses. Files are not opened; this keeps
/// the documented syntax true.
/// </summary>
[TestFixture]
public partial class DocCommandLineTests
{
    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"""([^""]*)""|'([^']*)'|(\S+)")]
    private static partial Regex Word();

    [TestCase("docs/guide.md")]
    [TestCase("docs/triton.md")]
    [TestCase("README.md")]
    public void EveryCommandLineParses(string document)
    {
        var lines = CommandLines(File.ReadAllText(RepositoryFiles.PathOf(document)));
        Assert.That(lines, Is.Not.Empty);
        var failures = new List<string>();
        foreach (string line in lines)
        {
            string[] args = [.. Word().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value).Skip(1)];
            var errors = CliApp.BuildRoot().Parse(args).Errors;
            if (errors.Count > 0)
            {
                failures.Add($"{line}: {errors[0].Message}");
            }
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void AMistypedOptionIsCaught()
    {
        // The check above would pass vacuously if the parser accepted anything.
        Assert.That(CliApp.BuildRoot().Parse(["build", "m.onnx", "-o", "m.plan", "--no-tf33"]).Errors, Is.Not.Empty);
    }

    /// <summary>Lines of bash blocks that start with <c>trtsharp </c>, continuations joined, comments removed.</summary>
    private static List<string> CommandLines(string markdown)
    {
        var result = new List<string>();
        foreach (Match block in ShellBlock().Matches(markdown))
        {
            string text = block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (string raw in text.Split('\n'))
            {
                int comment = raw.IndexOf(" #", StringComparison.Ordinal);
                string line = (comment >= 0 ? raw[..comment] : raw).Trim();
                if (line.StartsWith("trtsharp ", StringComparison.Ordinal))
                {
                    result.Add(line);
                }
            }
        }
        return result;
    }
}
