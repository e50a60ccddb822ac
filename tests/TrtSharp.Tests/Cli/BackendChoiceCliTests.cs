using System.Text.Json;
using TrtSharp.Inference;
using TrtSharp.Tests.Onnx;

namespace TrtSharp.Tests.Cli;

/// <summary>
/// run, bench and compare open models through InferenceSessionFactory: on auto they say which backend it chose and
/// why (one line, and in their JSON), and a backend that cannot run is one line naming the reason.
/// </summary>
public sealed class BackendChoiceCliTests
{
    /// <summary>What auto must say here: TensorRT's concrete reason where it cannot run, else that it runs.</summary>
    private static string ExpectedChoiceStart(string prefix) => InferenceSessionFactory.TensorRtUnavailableReason() is { } reason
        ? $"{prefix}: onnxruntime (TensorRT: {reason}; "
        : $"{prefix}: tensorrt (TensorRT ";

    private static string TensorRtMustBeMissing()
    {
        string? reason = InferenceSessionFactory.TensorRtUnavailableReason();
        if (reason is null)
        {
            Assert.Ignore("TensorRT runs here; the error needs a machine without it");
        }
        return reason!;
    }

    [Test]
    public void RunOnAutoSaysWhichBackendAndWhyInOneLine()
    {
        var run = CliRun.Of("run", CliModels.Conv2d);
        run.AssertExit(0);
        string[] lines = run.Out.Split('\n').Where(l => l.StartsWith("backend:", StringComparison.Ordinal)).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), run.Out);
        Assert.That(lines[0], Does.StartWith(ExpectedChoiceStart("backend")));
        if (InferenceSessionFactory.TensorRtUnavailableReason() is not null)
        {
            // The reason is concrete: the shim or library that is missing, not a generic "unavailable".
            Assert.That(lines[0], Does.Match(@"TensorRT: .*(libtrtsharp|libnvinfer|CUDA)").And.Contain("ONNX Runtime runs on CPUExecutionProvider)"));
        }
    }

    [Test]
    public void AnExplicitBackendPrintsNoChoiceLine()
    {
        var run = CliRun.Of("run", CliModels.Conv2d, "--backend", "ort");
        run.AssertExit(0);
        Assert.That(run.Out, Does.Not.Contain("backend:"));
    }

    [Test]
    public void BenchOnAutoSaysTheChoiceAndExportsItsReasons()
    {
        using var dir = new TempDir();
        string times = dir.File("t.json");
        var run = CliRun.Of("bench", CliModels.Conv2d, "--iterations", "3", "--warmup-ms", "0", "--export-times", times);
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain(ExpectedChoiceStart("backend")));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(times));
        string[] reasons = doc.RootElement.GetProperty("backend_reasons").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string backend = doc.RootElement.GetProperty("backend").GetString()!;
        Assert.That(reasons, Is.Not.Empty);
        if (InferenceSessionFactory.TensorRtUnavailableReason() is { } reason)
        {
            Assert.That(backend, Is.EqualTo("onnxruntime"));
            Assert.That(reasons[0], Is.EqualTo($"TensorRT: {reason}"));
        }
    }

    [Test]
    public void CompareOnAutoSaysBothChoicesAndWritesThemToJson()
    {
        using var dir = new TempDir();
        string json = dir.File("c.json");
        var run = CliRun.Of("compare", CliModels.Conv2d, CliModels.Conv2d, "--backend-b", "ort", "--json", json);
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain(ExpectedChoiceStart("backend a")));
        Assert.That(run.Out, Does.Not.Contain("backend b:"), "b's backend was given, not chosen");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement actual = doc.RootElement.GetProperty("actual_backend"), reference = doc.RootElement.GetProperty("reference_backend");
        Assert.That(reference.GetProperty("backend").GetString(), Is.EqualTo("onnxruntime"));
        Assert.That(reference.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "ONNX Runtime runs on CPUExecutionProvider" }));
        if (InferenceSessionFactory.TensorRtUnavailableReason() is { } reason)
        {
            Assert.That(actual.GetProperty("backend").GetString(), Is.EqualTo("onnxruntime"));
            Assert.That(actual.GetProperty("reasons")[0].GetString(), Is.EqualTo($"TensorRT: {reason}"));
        }
    }

    [Test]
    public void ForcingTensorRtOnAPlanIsOneLineNamingTheReason()
    {
        string reason = TensorRtMustBeMissing();
        using var dir = new TempDir();
        string plan = dir.File("model.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        string expected = $"model.plan is a TensorRT plan, and TensorRT cannot run here: {reason}";
        CliRun.Of("run", plan, "--backend", "trt").AssertOneLineError(expected);
        CliRun.Of("bench", plan, "--backend", "trt").AssertOneLineError(expected);
        CliRun.Of("compare", plan, CliModels.Conv2d, "--backend-a", "trt").AssertOneLineError(expected);
    }

    [Test]
    public void ForcingTensorRtOnAnOnnxModelIsOneLineNamingTheReason()
    {
        string reason = TensorRtMustBeMissing();
        CliRun.Of("run", CliModels.Conv2d, "--backend", "trt").AssertOneLineError($"TensorRT was asked for but cannot run here: {reason}");
    }

    [Test]
    public void OnnxRuntimeCannotRunAPlan()
    {
        using var dir = new TempDir();
        string plan = dir.File("model.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        CliRun.Of("run", plan, "--backend", "ort").AssertOneLineError("model.plan is a TensorRT plan; ONNX Runtime cannot run it");
    }
}
