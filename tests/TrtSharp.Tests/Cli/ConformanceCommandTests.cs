using System.Text.Json;

namespace TrtSharp.Tests.Cli;

[TestFixture]
[Category("Conformance")]
public class ConformanceCommandTests
{
    private const string Node = "/usr/share/libonnx-testdata/data/node";

    [Test]
    public void APassingCaseExitsZeroWithASummary()
    {
        var run = CliRun.Of("conformance", $"{Node}/test_abs");
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("conformance (ort): 1 passed, 0 failed, 0 errors (1 cases)"));
    }

    [Test]
    public void FailuresExitOneAndJsonListsEveryCase()
    {
        string json = Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}.json");
        try
        {
            var run = CliRun.Of("conformance", Node, "--filter", "test_dft", "--json", json);
            run.AssertExit(1);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
            Assert.That(cases, Has.Count.EqualTo(3), "test_dft, test_dft_axis, test_dft_inverse");
            Assert.That(cases.Select(c => c.GetProperty("outcome").GetString()), Has.All.EqualTo("failed"));
            Assert.That(doc.RootElement.GetProperty("failed").GetInt32(), Is.EqualTo(3));
            Assert.That(run.Out, Does.Contain("test_dft_inverse"));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Test]
    public void RandomCasesAreCheckedForTypesAndShapesAndExitZero()
    {
        var run = CliRun.Of("conformance", Node, "--filter", "test_bernoulli", "--json", "-");
        run.AssertExit(0);
        using var doc = JsonDocument.Parse(run.Out);
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.That(cases, Has.Count.EqualTo(6), "the six test_bernoulli* cases");
        Assert.That(cases.Select(c => c.GetProperty("outcome").GetString()), Has.All.EqualTo("nondeterministic"));
        Assert.That(cases.Select(c => c.GetProperty("reason").GetString()), Has.All.Contain("values not compared"));
        Assert.That(doc.RootElement.GetProperty("nondeterministic").GetInt32(), Is.EqualTo(6));
    }

    [Test]
    public void AMissingFolderIsOneLine()
    {
        CliRun.Of("conformance", "/nonexistent/suite").AssertOneLineError("/nonexistent/suite");
    }

    [Test]
    public void AFolderWithoutCasesIsOneLine()
    {
        string dir = Directory.CreateTempSubdirectory("empty-suite").FullName;
        try
        {
            CliRun.Of("conformance", dir).AssertOneLineError("no ONNX backend test cases");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
