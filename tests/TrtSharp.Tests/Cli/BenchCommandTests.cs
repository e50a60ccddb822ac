using System.Text.Json;
using TrtSharp.Inference;

namespace TrtSharp.Tests.Cli;

public sealed class BenchCommandTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trtsharp-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TwentyIterationsPrintTheStatisticsAndExportEveryTime()
    {
        string times = Path.Combine(_dir, "t.json");
        var run = CliRun.Of("bench", CliModels.Conv2d, "--iterations", "20", "--warmup-ms", "20", "--threads", "1", "--export-times", times);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Out, Does.Contain("on onnxruntime (CPUExecutionProvider)"));
            Assert.That(run.Out, Does.Contain("warm-up 20 ms, then 20 iterations"));
            Assert.That(run.Out, Does.Match(@"model\.onnx: throughput [0-9.]+ qps; latency min = [0-9.e-]+ ms, max = .* median = .* p90 = .* p95 = .* p99 = .*\(20 iterations in"));
            Assert.That(run.Error, Is.Empty);
        });
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(times));
        JsonElement root = doc.RootElement;
        double[] samples = root.GetProperty("times_ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Array.Sort(samples);
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("iterations").GetInt32(), Is.EqualTo(20));
            Assert.That(samples, Has.Length.EqualTo(20));
            Assert.That(samples, Has.All.GreaterThan(0));
            Assert.That(root.GetProperty("latency_ms").GetProperty("min").GetDouble(), Is.EqualTo(samples[0]));
            Assert.That(root.GetProperty("latency_ms").GetProperty("max").GetDouble(), Is.EqualTo(samples[^1]));
            // NumPy's linear percentile of 20 sorted values: median = mean of the 10th and 11th.
            Assert.That(root.GetProperty("latency_ms").GetProperty("median").GetDouble(), Is.EqualTo((samples[9] + samples[10]) / 2).Within(1e-12));
        });
    }

    [Test]
    public void CompareWithPrintsThePairRatio()
    {
        string other = CliModels.Save(_dir, "chain.onnx", CliModels.Chain(CliModels.C));
        var run = CliRun.Of("bench", CliModels.Conv2d, "--compare-with", CliModels.Conv2d, "--iterations", "20", "--warmup-ms", "10");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Out, Does.Match(@"latency ratio A/B over 20 interleaved pairs: median [0-9.]+x"));
            Assert.That(run.Out, Does.Contain("A model.onnx").And.Contain("B model.onnx"));
        });
        // Different inputs: the other model's inputs are bound by its own descriptors.
        CliRun.Of("bench", CliModels.Conv2d, "--compare-with", other, "--iterations", "5", "--warmup-ms", "0").AssertExit(0);
    }

    [Test]
    public void MatrixRunsDetectedVariantsAndMarksTensorRtUnavailable()
    {
        string model = CliModels.Save(_dir, "net.onnx", CliModels.Chain(CliModels.C));
        CliModels.Save(_dir, "net.int8.onnx", CliModels.Chain(CliModels.C));
        string chart = Path.Combine(_dir, "matrix.png");
        var run = CliRun.Of("bench", model, "--matrix", "--iterations", "10", "--warmup-ms", "0", "--plot", chart);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Out, Does.Match(@"ORT CPU FP32\s+│ net\.onnx\s+│.*│ 1\.00x\s+│ ok"));
            Assert.That(run.Out, Does.Match(@"ORT CPU INT8\s+│ net\.int8\.onnx\s+│.*│ ok"));
            Assert.That(run.Out, Does.Match(@"ORT CPU FP16\s+│ -.*unavailable: no FP16 model"));
            // The table may wrap the reason; its first words name the shim, as InferenceSessionFactory's reason does.
            Assert.That(run.Out, Does.Match(@"TensorRT GPU INT8\s+│ -.*unavailable: " + System.Text.RegularExpressions.Regex.Escape(TensorRtReasonStart())));
            Assert.That(File.ReadAllBytes(chart).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        });
    }

    [Test]
    public void BadInputIsOneLineWithExitCodeTwo()
    {
        string plan = Path.Combine(_dir, "model.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        CliRun.Of("bench", Path.Combine(_dir, "missing.onnx")).AssertOneLineError("missing.onnx: file not found");
        CliRun.Of("bench", CliModels.Conv2d, "--backend", "cuda").AssertOneLineError("'cuda'");
        CliRun.Of("bench", CliModels.Conv2d, "--cuda-graph").AssertOneLineError("--cuda-graph applies to the TensorRT backend only");
        CliRun.Of("bench", CliModels.Conv2d, "--streams", "2").AssertOneLineError("--streams applies to the TensorRT backend only");
        CliRun.Of("bench", CliModels.Conv2d, "--no-transfers").AssertOneLineError("--no-transfers applies to the TensorRT backend only");
        CliRun.Of("bench", plan, "--threads", "2").AssertOneLineError("--threads and --inter-op-threads apply to the ONNX Runtime backend only");
        CliRun.Of("bench", plan).AssertOneLineError("model.plan is a TensorRT plan, and TensorRT cannot run here: ");
        CliRun.Of("bench", CliModels.Conv2d, "--iterations", "5", "--duration", "1").AssertOneLineError("not both");
        CliRun.Of("bench", CliModels.Conv2d, "--iterations", "0").AssertOneLineError("must be positive");
        CliRun.Of("bench", CliModels.Conv2d, "--int8", "x.onnx").AssertOneLineError("apply to --matrix only");
        CliRun.Of("bench", CliModels.Conv2d, "--iterations", "many").AssertOneLineError("many");
    }

    /// <summary>The first words of why TensorRT cannot run here (ignores the test where it can).</summary>
    private static string TensorRtReasonStart()
    {
        string? reason = InferenceSessionFactory.TensorRtUnavailableReason();
        if (reason is null)
        {
            Assert.Ignore("TensorRT runs here, so its matrix cells are timed rather than marked unavailable");
        }
        return string.Join(' ', reason!.Split(' ').Take(3));
    }
}
