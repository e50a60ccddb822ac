using TrtSharp.Inference;
using System.Text.Json;
using TrtSharp.Benchmarking;

namespace TrtSharp.Tests.Benchmarking;

public sealed class MatrixTests
{
    [Test]
    public void RoundRobinTakesTheSameNumberOfSamplesFromEach()
    {
        int a = 0, b = 0, c = 0;
        LatencyReport[] reports = LatencyBenchmark.MeasureRoundRobin([() => a++, () => b++, () => c++],
            new BenchmarkSettings { WarmUp = TimeSpan.Zero, Iterations = 25 });
        Assert.Multiple(() =>
        {
            Assert.That(reports.Select(r => r.Iterations), Is.EqualTo(new[] { 25, 25, 25 }));
            Assert.That(reports.Select(r => r.Samples.Length), Is.EqualTo(new[] { 25, 25, 25 }));
            // One warm-up call each (WarmUp always runs once), then 25 timed.
            Assert.That((a, b, c), Is.EqualTo((26, 26, 26)));
        });
    }

    [Test]
    public void MedianRatioIsTakenPerRound()
    {
        // Per-round ratios 2, 4, 1 → median 2; below, ratios 2, 2, 0.5, 0.5 → median 1.25, while the ratio of medians is 5.5/10.25.
        Assert.That(BenchmarkMatrix.MedianRatio([2.0, 4.0, 1.0], [1.0, 1.0, 1.0]), Is.EqualTo(2.0));
        Assert.That(BenchmarkMatrix.MedianRatio([1.0, 1.0, 10.0, 10.0], [0.5, 0.5, 20.0, 20.0]), Is.EqualTo(1.25));
    }

    [Test]
    public void VariantsAreDiscoveredNextToTheModel()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trtsharp-matrix-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string model = Path.Combine(dir, "net.onnx");
            File.WriteAllBytes(model, []);
            File.WriteAllBytes(Path.Combine(dir, "net.qdq.onnx"), []);
            var variants = MatrixVariant.Discover(model, null, null, "no GPU");
            Assert.Multiple(() =>
            {
                Assert.That(variants.Select(v => v.Label), Is.EqualTo(new[]
                {
                    "ORT CPU FP32", "ORT CPU FP16", "ORT CPU INT8", "TensorRT GPU FP32", "TensorRT GPU FP16", "TensorRT GPU INT8",
                }));
                Assert.That(variants[2].ModelPath, Is.EqualTo(Path.Combine(dir, "net.qdq.onnx")));
                Assert.That(variants[1].Unavailable, Does.StartWith("no FP16 model"));
                Assert.That(variants.Skip(3).Select(v => v.Unavailable), Has.All.EqualTo("no GPU"));
                Assert.That(MatrixVariant.Discover(model, "given.int8.onnx", null, null)[2].ModelPath, Is.EqualTo("given.int8.onnx"));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ExportedTimesKeepMeasurementOrder()
    {
        var report = LatencyReport.FromSamples([3.0, 1.0, 2.0], 0.006);
        using JsonDocument doc = JsonDocument.Parse(LatencyExport.Serialize("m.onnx", InferenceBackend.OnnxRuntime, report));
        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("times_ms").EnumerateArray().Select(e => e.GetDouble()), Is.EqualTo(new[] { 3.0, 1.0, 2.0 }));
            Assert.That(doc.RootElement.GetProperty("latency_ms").GetProperty("median").GetDouble(), Is.EqualTo(2.0));
            Assert.That(doc.RootElement.GetProperty("throughput_qps").GetDouble(), Is.EqualTo(500.0).Within(1e-9));
        });
    }
}
