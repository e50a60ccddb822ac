using System.Text.Json;

namespace TrtSharp.Tests.Cli;

public sealed class CompareCommandTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trtsharp-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ModelAgainstItselfPassesWithCosineOne()
    {
        var run = CliRun.Of("compare", CliModels.Conv2d, CliModels.Conv2d);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Out, Does.Contain("cosine similarity      1\n").Or.Contain("cosine similarity      1\r\n"));
            Assert.That(run.Out, Does.Contain("SNR                    +inf dB"));
            Assert.That(run.Out, Does.Contain("PASSED output '3'"));
            Assert.That(run.Out, Does.Contain("PASSED: 1 of 1 output(s) match the reference"));
            Assert.That(run.Out, Does.Contain("input 0: float[2, 3, 7, 5] from random (seed 42)"));
            Assert.That(run.Error, Is.Empty);
        });
    }

    [Test]
    public void PerturbedCopyFailsNamingTheOutputAndJsonHoldsTheExactError()
    {
        string a = CliModels.Save(_dir, "a.onnx", CliModels.PerturbedChain());
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Chain(CliModels.C));
        string json = Path.Combine(_dir, "report.json");
        string plots = Path.Combine(_dir, "plots");
        var run = CliRun.Of("compare", a, b, "--json", json, "--plots", plots);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Out, Does.Contain("FAILED output 'y': 1 of 4 elements exceed"));
            Assert.That(run.Out, Does.Contain("FAILED: 1 of 1 output(s) differ"));
            Assert.That(run.Error, Is.Empty);
        });

        // c[2] was raised by 0.5 and y = 2·(relu(x) + c): element 2 is off by exactly 1, the rest not at all.
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        JsonElement y = root.GetProperty("outputs")[0];
        JsonElement abs = y.GetProperty("absolute_error");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("passed").GetBoolean(), Is.False);
            Assert.That(y.GetProperty("name").GetString(), Is.EqualTo("y"));
            Assert.That(y.GetProperty("passed").GetBoolean(), Is.False);
            Assert.That(abs.GetProperty("max").GetDouble(), Is.EqualTo(1.0).Within(1e-6));
            Assert.That(abs.GetProperty("max_index").GetInt64(), Is.EqualTo(2));
            Assert.That(abs.GetProperty("mean").GetDouble(), Is.EqualTo(0.25).Within(1e-6));
            Assert.That(y.GetProperty("required_absolute_tolerance").GetDouble(), Is.EqualTo(1.0).Within(1e-6));
            Assert.That(y.GetProperty("error_histogram")[9].GetInt64(), Is.EqualTo(1));
            Assert.That(y.GetProperty("error_histogram")[0].GetInt64(), Is.EqualTo(3));
            Assert.That(root.GetProperty("check").GetProperty("statistic").GetString(), Is.EqualTo("max"));
        });
        byte[] png = File.ReadAllBytes(Path.Combine(plots, "y.abs_error.png"));
        Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
    }

    [Test]
    public void PerOutputToleranceLetsTheKnownErrorPass()
    {
        string a = CliModels.Save(_dir, "a.onnx", CliModels.PerturbedChain());
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Chain(CliModels.C));
        Assert.Multiple(() =>
        {
            Assert.That(CliRun.Of("compare", a, b, "--per-output", "y:1.01,0").ExitCode, Is.EqualTo(0));
            Assert.That(CliRun.Of("compare", a, b, "--per-output", "y:0.99,0").ExitCode, Is.EqualTo(1));
            // Three of four elements are exact: the median error is 0.
            Assert.That(CliRun.Of("compare", a, b, "--check", "median").ExitCode, Is.EqualTo(0));
            Assert.That(CliRun.Of("compare", a, b, "--check", "quantile:0.5").ExitCode, Is.EqualTo(0));
            Assert.That(CliRun.Of("compare", a, b, "--check", "mean").ExitCode, Is.EqualTo(1));
        });
        CliRun.Of("compare", a, b, "--per-output", "nope:1,1").AssertOneLineError("no tensor named 'nope'");
    }

    [Test]
    public void MissingOutputNameIsExplained()
    {
        string a = CliModels.Save(_dir, "a.onnx", CliModels.Chain(CliModels.C, outputName: "z"));
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Chain(CliModels.C));
        var run = CliRun.Of("compare", a, b);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Out, Does.Contain("FAILED output 'y': the compared model has no output 'y' (its unmatched outputs: z)"));
            Assert.That(run.Out, Does.Contain("NOTE   output 'z': the reference has no output 'z': not compared"));
        });
    }

    [Test]
    public void ShapeMismatchIsExplained()
    {
        string a = CliModels.Save(_dir, "a.onnx", CliModels.Doubled());
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Chain(CliModels.C));
        var run = CliRun.Of("compare", a, b);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Out, Does.Contain("FAILED output 'y': shape [1, 8] vs reference [1, 4]"));
        });
    }

    [Test]
    public void NaNOnOneSideFails()
    {
        string a = CliModels.Save(_dir, "a.onnx", CliModels.Sqrt(abs: false));
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Sqrt(abs: true));
        // Seed 42 gives some negative inputs; count them the same way the CLI draws them.
        var random = new Random(42);
        int negatives = Enumerable.Range(0, 4).Count(_ => random.NextSingle() * 2 - 1 < 0);
        Assert.That(negatives, Is.GreaterThan(0), "seed 42 must give a negative input for this test");
        var run = CliRun.Of("compare", a, b);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Out, Does.Contain($"FAILED output 'y': {negatives} NaN or infinite value(s) on one side only"));
        });
    }

    [Test]
    public void MarkAllFindsThePerturbedMiddleNode()
    {
        string a = CliModels.Save(_dir, "a.onnx", CliModels.PerturbedChain());
        string b = CliModels.Save(_dir, "b.onnx", CliModels.Chain(CliModels.C));
        string json = Path.Combine(_dir, "layers.json");
        var run = CliRun.Of("compare", a, b, "--mark-all", "--json", json);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Out, Does.Contain("first jump: tensor 'm' from node 'add' (Add): SNR ").And.Contain("from its inputs' 100 dB, max |a-b| 0.5 (inputs' 0)"));
            Assert.That(run.Out, Does.Contain("added the most noise"));
            Assert.That(run.Out, Does.Not.Contain("in node order"), "the full table only with --all-layers");
        });
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement layers = doc.RootElement.GetProperty("layers");
        var tensors = layers.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(tensors.Select(t => t.GetProperty("tensor").GetString()), Is.EqualTo(new[] { "r", "m", "y" }));
            Assert.That(tensors.Select(t => t.GetProperty("is_jump").GetBoolean()), Is.EqualTo(new[] { false, true, false }));
            Assert.That(tensors.Select(t => t.GetProperty("is_off").GetBoolean()), Is.EqualTo(new[] { false, true, true }));
            Assert.That(tensors[2].GetProperty("max_abs_error").GetDouble(), Is.EqualTo(1.0).Within(1e-6));
            Assert.That(tensors[2].GetProperty("input_max_abs_error").GetDouble(), Is.EqualTo(0.5).Within(1e-6));
            Assert.That(layers.GetProperty("first_jump").GetString(), Is.EqualTo("m"));
            Assert.That(tensors[2].GetProperty("snr_drop_db").GetDouble(), Is.EqualTo(0).Within(1e-9), "y = 2m: same relative error as m");
            Assert.That(layers.GetProperty("worst").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "m" }));
        });
    }

    [Test]
    public void BadInputIsOneLineWithExitCodeTwo()
    {
        string plan = Path.Combine(_dir, "model.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        CliRun.Of("compare", Path.Combine(_dir, "missing.onnx"), CliModels.Conv2d).AssertOneLineError("missing.onnx: file not found");
        CliRun.Of("compare", CliModels.Conv2d, CliModels.Conv2d, "--backend-a", "foo").AssertOneLineError("'foo'");
        CliRun.Of("compare", plan, CliModels.Conv2d).AssertOneLineError("model.plan is a TensorRT plan, and TensorRT cannot run here: ");
        CliRun.Of("compare", plan, CliModels.Conv2d, "--mark-all").AssertOneLineError("--mark-all needs both a and b as ONNX models");
        CliRun.Of("compare", CliModels.Conv2d, CliModels.Conv2d, "--check", "p99").AssertOneLineError("'p99' is not a check");
        CliRun.Of("compare", CliModels.Conv2d, CliModels.Conv2d, "--shapes", "0:2x3x7x6").AssertOneLineError("dimension 3 is fixed to 5");
        CliRun.Of("compare", CliModels.Conv2d).AssertOneLineError("Required argument 'b' missing");
        string notOnnx = Path.Combine(_dir, "text.onnx");
        File.WriteAllText(notOnnx, "hello");
        CliRun.Of("compare", notOnnx, CliModels.Conv2d).AssertOneLineError("text.onnx");
    }
}
