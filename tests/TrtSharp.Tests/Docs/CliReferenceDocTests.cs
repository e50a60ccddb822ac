using TrtSharp.IO;

namespace TrtSharp.Tests.Docs;

/// <summary>docs/cli.md is the current <c>--help</c> of every command (regenerate with <c>dotnet cake --target=CliDocs</c>).</summary>
[TestFixture]
public class CliReferenceDocTests
{
    /// <summary>Set to 1 (the CliDocs Cake target does) to rewrite docs/cli.md instead of checking it.</summary>
    private const string UpdateVariable = "TRTSHARP_UPDATE_CLI_DOCS";

    [Test]
    public void CliReferenceMatchesTheHelpOfEveryCommand()
    {
        string path = RepositoryFiles.PathOf("docs/cli.md");
        string expected = CliReference.Generate();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            AtomicFile.WriteAllText(path, expected);
            TestContext.Out.WriteLine($"wrote {path}");
            return;
        }
        Assert.That(File.Exists(path), Is.True, $"{path} is missing: run 'dotnet cake --target=CliDocs'");
        string actual = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(actual, Is.EqualTo(expected), "docs/cli.md is stale: run 'dotnet cake --target=CliDocs' and commit it");
    }

    [Test]
    public void TheReferenceCoversEveryCommandAndIsIndependentOfTheTerminal()
    {
        string doc = CliReference.Generate();
        foreach (var command in TrtSharp.Cli.CliApp.BuildRoot().Subcommands)
        {
            Assert.That(doc, Does.Contain($"\n## trtsharp {command.Name}\n"), command.Name);
        }
        Assert.Multiple(() =>
        {
            // Generated twice in one process gives the same text, and no line is wider than the fixed help width
            // (nothing depends on Console.WindowWidth).
            Assert.That(CliReference.Generate(), Is.EqualTo(doc));
            var wide = doc.Split('\n').SkipWhile(l => !l.StartsWith("## trtsharp", StringComparison.Ordinal))
                .Where(l => l.Length > CliReference.Width).ToList();
            Assert.That(wide, Is.Empty);
            Assert.That(doc, Does.Not.Contain("testhost"));
        });
    }
}
