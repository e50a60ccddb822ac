using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The log-domain rule: a layer whose result is taken the log of and whose input mostly rounds to 0 in int8 stays
/// float (both placements; the ORT CPU placement applies it to Conv, its only layer); either condition alone leaves the layer quantized.
/// </summary>
public class LogDomainGuardTests
{
    // x[4, 16] (a "power spectrum") → MatMul(W[16, 8]) → Add(eps) → [Log] → y
    private static ModelProto Model(bool log)
    {
        var builder = new ModelBuilder()
            .Input("x", 4, 16)
            .Initializer("W", [.. ModelBuilder.Random(16 * 8, 3, 0.5f).Select(MathF.Abs)], 16, 8)
            .Initializer("eps", [1e-6f])
            .Node("MatMul", "mel", ["x", "W"], "m")
            .Node("Add", "floor", ["m", "eps"], log ? "a" : "y");
        if (log)
        {
            builder.Node("Log", "log", ["a"], "y");
        }

        return builder.Output("y").Build();
    }

    /// <summary>Samples whose values span <paramref name="decades"/> decades, log-uniformly, so most are tiny next to the max.</summary>
    private static OrtHarness.Sample[] Samples(double decades) =>
    [
        .. Enumerable.Range(0, 4).Select(s =>
        {
            var rng = new Random(50 + s);
            var values = Enumerable.Range(0, 64).Select(_ => (float)Math.Pow(10, decades * rng.NextDouble())).ToArray();
            return new OrtHarness.Sample(new() { ["x"] = (values, [4, 16]) });
        }),
    ];

    private static Dictionary<string, Histogram> Histograms(OrtHarness.Sample[] samples)
    {
        var values = samples.SelectMany(s => s.Inputs["x"].Data).ToArray();
        var range = values.Max(MathF.Abs);
        var counts = new long[Histogram.DefaultBinCount];
        foreach (var v in values)
        {
            counts[Math.Min((int)(MathF.Abs(v) / range * counts.Length), counts.Length - 1)]++;
        }

        return new() { ["x"] = new Histogram(counts, range, range, "x") };
    }

    private static (ModelProto Qdq, QdqReport Report) Quantize(ModelProto model, OrtHarness.Sample[] samples, QdqProfile profile)
    {
        var ranges = OrtHarness.Ranges(model, samples);
        var options = new QdqOptions { Profile = profile, Histograms = Histograms(samples) };
        var (qdq, report) = profile == QdqProfile.TensorRt
            ? QdqInserter.Insert(model, OrtHarness.Amax(ranges), options)
            : QdqInserter.Insert(model, ranges, options);
        return (OrtHarness.RoundTrip(qdq), report);
    }

    [Test]
    public void ShareRoundedToZeroCountsTheValuesBelowHalfAStep()
    {
        // 2048 bins over [0, 254): half a step of amax 254 is 0.5, i.e. half of bin 0 (values spread evenly within a bin).
        var counts = new long[Histogram.DefaultBinCount];
        counts[0] = 60;
        counts[1] = 20;
        counts[2047] = 20;
        var histogram = new Histogram(counts, 2048f / 8f, 2048f / 8f);
        // Bin width 0.125; half step 254/254 = 1 covers bins 0..7 fully.
        Assert.That(LogDomainGuard.ShareRoundedToZero(histogram, 254f), Is.EqualTo(0.8).Within(1e-9));
        // Half step 0.0625 covers half of bin 0.
        Assert.That(LogDomainGuard.ShareRoundedToZero(histogram, 254f * 0.0625f), Is.EqualTo(0.3).Within(1e-6));
    }

    [Test]
    public void AWideRangeInputBeforeALogStaysFloatAndIsReported()
    {
        const QdqProfile profile = QdqProfile.TensorRt;
        var model = Model(log: true);
        var samples = Samples(decades: 8);
        var (qdq, report) = Quantize(model, samples, profile);

        var decision = report.FindNode("mel")!;
        Assert.That(decision.Status, Is.EqualTo(NodeStatus.Skipped));
        Assert.That(decision.Reason, Does.Contain("rounds to 0 in int8").And.Contain("Log 'log'"));
        Assert.That(report.Warnings, Has.Some.Contains("'mel'"));
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear"), Is.Empty);
        foreach (var sample in samples)
        {
            Assert.That(OrtHarness.Run(qdq, sample)["y"], Is.EqualTo(OrtHarness.Run(model, sample)["y"]));
        }
    }

    [Test]
    public void TheSameInputWithoutALogIsQuantized()
    {
        var (qdq, report) = Quantize(Model(log: false), Samples(decades: 8), QdqProfile.TensorRt);
        Assert.That(report.FindNode("mel")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear").Select(q => q.Input[0]), Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void ANarrowRangeInputBeforeALogIsQuantizedAndStaysCloseToFloat()
    {
        var model = Model(log: true);
        var samples = Samples(decades: 1);
        var (qdq, report) = Quantize(model, samples, QdqProfile.TensorRt);
        Assert.That(report.FindNode("mel")!.Status, Is.EqualTo(NodeStatus.Quantized));
        foreach (var sample in samples)
        {
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThan(0.999));
        }
    }

    [Test]
    public void OrtCpuKeepsAConvBeforeALogFloatWhenItsInputMostlyRoundsToZero()
    {
        // x[1, 4, 4, 4] spanning 8 decades → Conv 1x1 (positive weights) → Log: the ORT CPU placement's only layer is Conv.
        var model = new ModelBuilder()
            .Input("x", 1, 4, 4, 4)
            .Initializer("W", [.. ModelBuilder.Random(2 * 4, 8, 0.5f).Select(v => MathF.Abs(v) + 0.1f)], 2, 4, 1, 1)
            .Node("Conv", "spectrum", ["x", "W"], "c")
            .Node("Log", "log", ["c"], "y")
            .Output("y")
            .Build();
        var samples = Samples(decades: 8).Select(s => new OrtHarness.Sample(new() { ["x"] = (s.Inputs["x"].Data, [1, 4, 4, 4]) })).ToArray();
        var ranges = OrtHarness.Ranges(model, samples);
        var options = new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false, Histograms = Histograms(samples) };
        var (qdq, report) = QdqInserter.Insert(model, ranges, options);

        Assert.That(report.FindNode("spectrum")!.Status, Is.EqualTo(NodeStatus.Skipped));
        Assert.That(report.FindNode("spectrum")!.Reason, Does.Contain("Log 'log'"));
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear"), Is.Empty);

        // Without the histograms the rule has no evidence and the Conv is quantized as before.
        var (_, plain) = QdqInserter.Insert(model, ranges, options with { Histograms = null });
        Assert.That(plain.FindNode("spectrum")!.Status, Is.EqualTo(NodeStatus.Quantized));
    }
}
