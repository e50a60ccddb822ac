using System.Text.RegularExpressions;

namespace TrtSharp.Tests.Docs;

/// <summary>docs/c-abi.md describes every function the C header exports, so a new export arrives with its contract.</summary>
[TestFixture]
public partial class CAbiDocTests
{
    [GeneratedRegex(@"TRTS_API\s+[^;]*?\b(trts_[a-z0-9_]+)\s*\(", RegexOptions.Singleline)]
    private static partial Regex ExportedFunction();

    [Test]
    public void EveryExportedFunctionIsDescribed()
    {
        string header = File.ReadAllText(RepositoryFiles.PathOf("native/include/trtsharp/trtsharp.h"));
        string doc = File.ReadAllText(RepositoryFiles.PathOf("docs/c-abi.md"));
        var functions = ExportedFunction().Matches(header).Select(m => m.Groups[1].Value).Distinct().ToList();
        // The header has dozens of exports; finding few would mean the pattern, not the document, is wrong.
        Assert.That(functions, Has.Count.GreaterThan(50));
        var missing = functions.Where(f => !Regex.IsMatch(doc, $@"`{f}\b")).ToList();
        Assert.That(missing, Is.Empty, "describe these functions in docs/c-abi.md");
    }

    [Test]
    public void TheDocumentedAbiVersionIsTheHeaders()
    {
        string header = File.ReadAllText(RepositoryFiles.PathOf("native/include/trtsharp/trtsharp.h"));
        string doc = File.ReadAllText(RepositoryFiles.PathOf("docs/c-abi.md"));
        string version = Regex.Match(header, @"#define TRTS_ABI_VERSION (\d+)").Groups[1].Value;
        Assert.That(doc, Does.Contain($"`TRTS_ABI_VERSION` is {version}"));
    }
}
