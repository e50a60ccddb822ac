using System.Text.Json;
using TrtSharp.Tests.Tools.Models;
using TrtSharp.Tests.Quantization.Precision.Sensitivity;

namespace TrtSharp.Tests.Cli;

[TestFixture]
public class SensitivityCommandTests
{
    private OutlierChainFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new OutlierChainFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    private string In(string name) => Path.Combine(_f.Directory, name);

    [Test]
    public void RanksTheCulpritFirstAndWritesJsonAndChart()
    {
        var run = CliRun.Of("sensitivity", _f.ModelPath, "--mode", "int8", "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--method", "max",
            "--json", In("s.json"), "--plot", In("s.png"));
        run.AssertExit(0);
        using var json = JsonDocument.Parse(File.ReadAllText(In("s.json")));
        var ranked = json.RootElement.GetProperty("ranked");
        Assert.Multiple(() =>
        {
            Assert.That(ranked.GetArrayLength(), Is.EqualTo(OutlierChainFixture.Layers));
            Assert.That(ranked[0].GetProperty("nodes")[0].GetString(), Is.EqualTo(OutlierChainFixture.Culprit));
            Assert.That(json.RootElement.GetProperty("walk").GetString(), Does.Contain("one layer at a time"));
            Assert.That(File.ReadAllBytes(In("s.png")).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
            // The table's first data row names the culprit.
            string firstRow = run.Out.Split('\n').First(l => l.Contains("│ 1 "));
            Assert.That(firstRow, Does.Contain(OutlierChainFixture.Culprit));
            Assert.That(run.Out, Does.Contain("walked one layer at a time (24 runs)"));
        });
    }

    [Test]
    public void Fp16ModeWithPartitionsRuns()
    {
        var run = CliRun.Of("sensitivity", _f.ModelPath, "--mode", "fp16", "--holdout", _f.HoldoutDir, "--partition-size", "6", "--json", In("f.json"));
        run.AssertExit(0);
        using var json = JsonDocument.Parse(File.ReadAllText(In("f.json")));
        Assert.That(json.RootElement.GetProperty("ranked").GetArrayLength(), Is.EqualTo(4));
        Assert.That(run.Out, Does.Contain("partitions of 6 consecutive layers"));
    }

    [Test]
    public void BadInputsAreOneLine()
    {
        CliRun.Of("sensitivity", _f.ModelPath, "--mode", "int4", "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir).AssertOneLineError("--mode 'int4'");
        CliRun.Of("sensitivity", _f.ModelPath, "--data", _f.CalibrationDir).AssertOneLineError("needs held-out data");
        CliRun.Of("sensitivity", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--partition-size", "0").AssertOneLineError("--partition-size 0");
        CliRun.Of("sensitivity", _f.ModelPath, "--holdout", _f.HoldoutDir).AssertOneLineError("no calibration data");
        CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--target-cosine", "0.9", "--max-excluded", "-1")
            .AssertOneLineError("--max-excluded -1");
        CliRun.Of("autocast", _f.ModelPath, "--target-snr", "30").AssertOneLineError("--target-snr needs held-out data");
    }

    [Test]
    public void QuantizeSearchesToTheTargetAndTheListReproducesTheRun()
    {
        string output = In("q.onnx");
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--method", "max", "--target-cosine", "0.99", "-o", output);
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("target cosine ≥ 0.99 missed").And.Contain("search: target reached with 1 of 24 layer(s) kept in float (budget 1)").And.Contain("PASSED"));
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report/report.json"));
        var excluded = report.RootElement.GetProperty("exclude_nodes").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.That(excluded, Is.EqualTo(new[] { OutlierChainFixture.Culprit }));
        Assert.That(report.RootElement.GetProperty("search").GetProperty("reached").GetBoolean(), Is.True);

        var again = CliRun.Of(["quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--method", "max", "--target-cosine", "0.99",
            "-o", In("again.onnx"), "--exclude-nodes", .. excluded!]);
        again.AssertExit(0);
        Assert.That(again.Out, Does.Not.Contain("search:").And.Contain("PASSED"), "the written list reaches the target without a search");
    }

    [Test]
    public void QuantizeExitsOneWhenTheBudgetCannotReachTheTarget()
    {
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--method", "max", "--target-cosine", "0.99",
            "--max-excluded", "0", "-o", In("q.onnx"));
        run.AssertExit(1);
        Assert.That(run.Out, Does.Contain("target NOT reached").And.Contain("FAILED: below the target (cosine ≥ 0.99)"));
    }

    [Test]
    public void AutoCastSearchesToTheTargetWithinTheBudgetGiven()
    {
        string output = In("h.onnx");
        // Only float32 everywhere has no rounding at all (SNR infinite): the search must keep every converted node.
        var run = CliRun.Of("autocast", _f.ModelPath, "-o", output, "--holdout", _f.HoldoutDir, "--target-snr", "300", "--max-excluded", "24");
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("search: target reached with 24 of 24 layer(s) kept in float (budget 24)"));
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".autocast.json"));
        Assert.That(report.RootElement.GetProperty("exclude_nodes").GetArrayLength(), Is.EqualTo(24));

        var tight = CliRun.Of("autocast", _f.ModelPath, "-o", In("t.onnx"), "--holdout", _f.HoldoutDir, "--target-snr", "300");
        tight.AssertExit(1);
        Assert.That(tight.Out, Does.Contain("target NOT reached with 1 of 24 layer(s) kept in float (budget 1)"));
    }

    [Test]
    public void TheSpeechCnnInPartitionsOfTen()
    {
        string model = InstalledSpeechModels.Require().Embedding;
        string manifest = Path.Combine(InstalledSpeechModels.CalibrationDataDirectory(), "manifest.csv");
        // Partitions keep this real-model run to three held-out passes (all quantized, then each half of the 20 convs alone).
        var run = CliRun.Of("sensitivity", model, "--mode", "int8", "--speech", manifest, "--method", "max", "--partition-size", "10", "--json", In("speech.json"));
        run.AssertExit(0);
        using var json = JsonDocument.Parse(File.ReadAllText(In("speech.json")));
        var ranked = json.RootElement.GetProperty("ranked");
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("layers").GetInt32(), Is.EqualTo(20), "the speech CNN's 20 convolutions are quantizable");
            Assert.That(ranked.GetArrayLength(), Is.EqualTo(2));
            Assert.That(ranked[0].GetProperty("cosine").GetDouble(), Is.LessThanOrEqualTo(ranked[1].GetProperty("cosine").GetDouble()));
            Assert.That(ranked[1].GetProperty("cosine").GetDouble(), Is.GreaterThan(0.99).And.LessThan(1));
        });
    }
}
