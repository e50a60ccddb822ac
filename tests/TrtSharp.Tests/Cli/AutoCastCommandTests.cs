using System.Text.Json;
using TrtSharp.Onnx;
using TrtSharp.Tests.Tools.Models;
using TrtSharp.Tests.Quantization.Precision.AutoCast;

namespace TrtSharp.Tests.Cli;

public sealed class AutoCastCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-autocast-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TheSpeechCnnInFp16KeepsItsOutputOnHeldOutClips()
    {
        string model = InstalledSpeechModels.Require().Embedding;
        string output = Path.Combine(_dir, "emb.fp16.onnx");
        string manifest = Path.Combine(InstalledSpeechModels.CalibrationDataDirectory(), "manifest.csv");
        var run = CliRun.Of("autocast", model, "-o", output, "--speech", manifest, "--max-samples", "4", "--target-cosine", "0.9999");
        run.AssertExit(0);
        Assert.Multiple(() =>
        {
            Assert.That(run.Out, Does.Contain("65 of 65 float node(s) converted to fp16"));
            Assert.That(run.Out, Does.Contain("float32 emulation"));
            Assert.That(run.Out, Does.Contain("loads in ONNX Runtime (CPU provider)"));
            Assert.That(run.Out, Does.Contain("PASSED"));
        });
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(output + ".autocast.json"));
        Assert.That(report.RootElement.GetProperty("validation")[0].GetProperty("cosine").GetDouble(), Is.GreaterThan(0.9999));
        OnnxChecker.AssertValid(OnnxModel.Load(output).Proto);
    }

    [Test]
    public void KeptNodesAreReportedAndCanBeGivenBack()
    {
        string model = CliModels.Save(_dir, "convnet.onnx", AutoCastModels.ConvNet(variance: 1e8f));
        string output = Path.Combine(_dir, "convnet.fp16.onnx");
        var run = CliRun.Of("autocast", model, "-o", output);
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("weight 'var' holds 1E+08").And.Contain("validation skipped"));
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(output + ".autocast.json"));
        string[] kept = [.. report.RootElement.GetProperty("keep_nodes").EnumerateArray().Select(e => e.GetString()!)];
        Assert.That(kept, Is.EquivalentTo(new[] { "bn", "reduce", "exp" }));

        var again = CliRun.Of(["autocast", model, "-o", Path.Combine(_dir, "again.onnx"), "--keep-ops", "none", "--keep-nodes", .. kept]);
        again.AssertExit(0);
        Assert.That(again.Out, Does.Contain("3 node(s) kept float32"));
    }

    [TestCase("--to", "fp8", "unknown precision 'fp8'")]
    [TestCase("--max-samples", "0", "at least 1")]
    [TestCase("--target-cosine", "0.99", "--target-cosine needs held-out data")]
    public void BadOptionsAreOneLine(string option, string value, string fragment)
    {
        string model = CliModels.Save(_dir, "scale.onnx", AutoCastModels.Scale(2));
        CliRun.Of("autocast", model, option, value).AssertOneLineError(fragment);
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "nothing written");
    }

    [Test]
    public void AnAlreadyConvertedModelIsRefusedNamingTheNode()
    {
        string model = CliModels.Save(_dir, "scale.onnx", AutoCastModels.Scale(2));
        string half = Path.Combine(_dir, "half.onnx");
        CliRun.Of("autocast", model, "-o", half, "--keep-io-types", "false").AssertExit(0);
        CliRun.Of("autocast", half, "-o", Path.Combine(_dir, "twice.onnx")).AssertOneLineError("node 'scale'");
    }
}
