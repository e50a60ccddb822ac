namespace TrtSharp.Tests.Cli;

/// <summary>A model path that is a folder says so, in every command that reads a model.</summary>
[TestFixture]
public class ModelPathTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-modelpath").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void ADirectoryIsNotReportedAsAMissingFile()
    {
        string folder = Path.Combine(_dir, "model.onnx"); // a folder named like a model, as unpacked archives often are
        Directory.CreateDirectory(folder);
        string real = CliModels.Save(_dir, "real.onnx", CliModels.Chain(CliModels.C));
        string[][] commands =
        [
            ["inspect", folder],
            ["run", folder],
            ["compare", folder, real],
            ["compare", real, folder],
            ["bench", folder, "--iterations", "1"],
            ["bench", real, "--compare-with", folder, "--iterations", "1"],
            ["quantize", folder, "--data", _dir],
            ["build", folder, "-o", Path.Combine(_dir, "x.plan")],
        ];
        foreach (string[] args in commands)
        {
            var run = CliRun.Of(args);
            Assert.That(run.Error, Does.Not.Contain("not found"), string.Join(' ', args));
            run.AssertOneLineError($"{folder}: is a directory");
        }
    }

    [Test]
    public void AMissingFileIsStillNotFound() =>
        CliRun.Of("inspect", Path.Combine(_dir, "absent.onnx")).AssertOneLineError("absent.onnx: file not found");
}
