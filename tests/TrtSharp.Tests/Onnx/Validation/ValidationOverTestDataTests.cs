using TrtSharp.Onnx.Validation;

namespace TrtSharp.Tests.Onnx.Validation;

/// <summary>No false positives: every model of the ONNX backend test data (written by the ONNX project) is valid.</summary>
[TestFixture]
public class ValidationOverTestDataTests
{
    private const string DataRoot = "/usr/share/libonnx-testdata/data";

    [TestCase("node")]
    [TestCase("simple")]
    [TestCase("pytorch-converted")]
    [TestCase("pytorch-operator")]
    public void EveryModelOfTheSuiteHasNoProblems(string suite)
    {
        string dir = Path.Combine(DataRoot, suite);
        Assert.That(Directory.Exists(dir), Is.True, $"{dir} is missing: install Debian's libonnx-testdata");
        var models = Directory.EnumerateDirectories(dir).Select(d => Path.Combine(d, "model.onnx")).Where(File.Exists).Order(StringComparer.Ordinal).ToList();
        Assert.That(models, Is.Not.Empty);
        var flagged = new List<string>();
        foreach (string model in models)
        {
            var (_, problems) = ModelValidator.LoadAndValidate(model);
            flagged.AddRange(problems.Select(p => $"{Path.GetFileName(Path.GetDirectoryName(model))}: {p}"));
        }
        Assert.That(flagged, Is.Empty, $"{flagged.Count} problems in {models.Count} valid models");
    }
}
