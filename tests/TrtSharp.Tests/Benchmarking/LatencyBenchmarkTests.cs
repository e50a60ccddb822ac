using TrtSharp.Benchmarking;

namespace TrtSharp.Tests.Benchmarking;

[TestFixture]
public class LatencyBenchmarkTests
{
    [Test]
    public void FixedIterationsAreTimedExactlyAndWarmUpRunsFirst()
    {
        int calls = 0;
        var report = LatencyBenchmark.Measure(() => calls++, new BenchmarkSettings { Iterations = 50, WarmUp = TimeSpan.Zero });
        Assert.That(report.Iterations, Is.EqualTo(50));
        Assert.That(calls, Is.EqualTo(51), "one warm-up call plus 50 timed");
        Assert.That(report.Latency.Min, Is.GreaterThanOrEqualTo(0));
        Assert.That(report.Latency.Max, Is.GreaterThanOrEqualTo(report.Latency.Median));
    }

    [Test]
    public void InterleavingAlternatesAndGivesOneRatioPerPair()
    {
        var order = new List<char>();
        var report = LatencyBenchmark.MeasureInterleaved(() => order.Add('a'), () => order.Add('b'),
            new BenchmarkSettings { Iterations = 4, WarmUp = TimeSpan.Zero });
        Assert.That(new string(order.ToArray()), Is.EqualTo("ababababab"));
        Assert.That(report.RatioAOverB.Count, Is.EqualTo(4));
    }

    [Test]
    public void CoefficientOfVariationFlagsUnstableRuns()
    {
        Assert.That(LatencyReport.FromSamples([1, 1, 1, 1], 0.004).IsUnstable, Is.False);
        Assert.That(LatencyReport.FromSamples([1, 3, 1, 3], 0.008).IsUnstable, Is.True);
        Assert.That(LatencyReport.FromSamples([1, 3, 1, 3], 0.008).Throughput, Is.EqualTo(500).Within(1e-9));
    }
}
