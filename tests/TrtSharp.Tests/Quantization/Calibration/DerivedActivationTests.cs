using Google.Protobuf;
using TrtSharp.Datasets;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Tensors;
using TrtSharp.Tests.Tools.Models;
using TrtSharp.Tests.Quantization.Precision;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Tests.Quantization.Calibration;

[TestFixture]
public class DerivedActivationTests
{
    // x → Relu → r → Max(r, -0.4)? (chain: stays a tap) ; x → Max(x, 0.25) → a ; Min(0.5, x) → b ; Clip(x, -1, 2) → c ;
    // Max(x, y) (no constant) → m ; a + b + c + m → s (graph output, not derivable) ; Relu(s) → out (graph output).
    private static TrtSharp.Onnx.Protobuf.ModelProto Model(long opset = 13)
    {
        var b = new ModelBuilder(opset).Input("x", 2, 3, 8).Input("y", 2, 3, 8)
            .Initializer("lo", [0.25f]).Initializer("hi", [0.5f]).Initializer("cmin", [-1f]).Initializer("cmax", [2f]).Initializer("c04", [-0.4f])
            .Node("Relu", "relu", ["x"], "r")
            .Node("Max", "chain", ["r", "c04"], "rc")
            .Node("Max", "max", ["x", "lo"], "a")
            .Node("Min", "min", ["hi", "x"], "b")
            .Node("Clip", "clip", ["x", "cmin", "cmax"], "c")
            .Node("Max", "max2", ["x", "y"], "m")
            .Node("Sum", "sum", ["a", "b", "c", "m", "rc"], "s")
            .Node("Relu", "out_relu", ["s"], "out");
        return b.Output("out").Build();
    }

    [Test]
    public void FindsClampsWithConstantBoundsOnly()
    {
        var found = DerivedActivation.Find(Model()).ToDictionary(d => d.Name);

        Assert.That(found.Keys, Is.EquivalentTo(new[] { "r", "rc", "a", "b", "c" }), "not Max(x, y), not graph outputs");
        Assert.That(found["r"], Is.EqualTo(new DerivedActivation("r", "x", 0f, float.PositiveInfinity)));
        Assert.That(found["rc"], Is.EqualTo(new DerivedActivation("rc", "r", -0.4f, float.PositiveInfinity)));
        Assert.That(found["a"], Is.EqualTo(new DerivedActivation("a", "x", 0.25f, float.PositiveInfinity)));
        Assert.That(found["b"], Is.EqualTo(new DerivedActivation("b", "x", float.NegativeInfinity, 0.5f)));
        Assert.That(found["c"], Is.EqualTo(new DerivedActivation("c", "x", -1f, 2f)));
    }

    [Test]
    public void ClipBoundsFromAttributesInOldOpsets()
    {
        var model = new ModelBuilder(6).Input("x", 4)
            .Node("Clip", "clip", ["x"], "c", ModelBuilder.Float("min", -3f), ModelBuilder.Float("max", 3f))
            .Node("Neg", "neg", ["c"], "n").Output("n").Build();

        Assert.That(DerivedActivation.Find(model).Single(), Is.EqualTo(new DerivedActivation("c", "x", -3f, 3f)));
    }

    [Test]
    public void ClipWithAnInfiniteConstantBoundIsAOneSidedClamp()
    {
        // openWakeWord's melspectrogram clips the power spectrum to [1e-10, +Inf] before the log.
        var model = new ModelBuilder(13).Input("x", 4).Initializer("lo", [1e-10f]).Initializer("inf", [float.PositiveInfinity])
            .Node("Clip", "clip", ["x", "lo", "inf"], "c")
            .Node("Log", "log", ["c"], "l").Output("l").Build();

        Assert.That(DerivedActivation.Find(model).Single(), Is.EqualTo(new DerivedActivation("c", "x", 1e-10f, float.PositiveInfinity)));
    }

    [Test]
    public void ComputeClampsExactly()
    {
        float[] x = [-5f, -0.4f, -0.0f, 0.1f, 3f, 7f];
        var result = new float[x.Length];
        new DerivedActivation("c", "x", -1f, 2f).Compute(x, result);
        Assert.That(result, Is.EqualTo(new[] { -1f, -0.4f, -0.0f, 0.1f, 2f, 2f }));
        new DerivedActivation("b", "x", float.NegativeInfinity, 0.5f).Compute(x, result);
        Assert.That(result, Is.EqualTo(new[] { -5f, -0.4f, -0.0f, 0.1f, 0.5f, 0.5f }));
    }

    [Test]
    public void DerivedStatisticsEqualTappedOnesOnASmallModel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"trtsharp-derived-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Model().ToByteArray());
        try
        {
            var random = new Random(3);
            var batches = Enumerable.Range(0, 3).Select(_ => (IReadOnlyDictionary<string, HostTensor>)new Dictionary<string, HostTensor>
            {
                ["x"] = new HostTensor<float>([2, 3, 8], Enumerable.Range(0, 48).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray()),
                ["y"] = new HostTensor<float>([2, 3, 8], Enumerable.Range(0, 48).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray()),
            }).ToList();
            AssertSameStatistics(path, new ListDataset(batches));
            // Derivable tensors the caller taps explicitly are collected once, as taps.
            AssertSameStatistics(path, new ListDataset(batches), "a", "r");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void DerivedStatisticsEqualTappedOnesOnTheSpeechCnn()
    {
        // Every Max(LeakyRelu, -0.4) of the speech CNN is derived: the histograms must not change by a single count.
        var models = InstalledSpeechModels.Require();
        var clips = SpeechClipManifest.Read(Path.Combine(InstalledSpeechModels.CalibrationDataDirectory(), "manifest.csv")).Take(6).ToList();
        using var mel = OnnxRuntimeSession.FromFile(models.Melspectrogram);
        var data = new SpeechWindowDataset(clips, mel, "input_1");
        Assert.That(DerivedActivation.Find(TrtSharp.Onnx.OnnxModel.Load(models.Embedding).Proto), Has.Count.EqualTo(19));
        AssertSameStatistics(models.Embedding, data);
    }

    private static void AssertSameStatistics(string model, ICalibrationDataset data, params string[] explicitTaps)
    {
        var options = new OnnxRuntimeOptions { IntraOpThreads = 1 };
        foreach (var tap in explicitTaps)
        {
            options.Taps.Add(tap);
        }
        var tapped = ActivationCalibrator.Collect(model, data, options, null, deriveClamps: false, CancellationToken.None);
        var derived = ActivationCalibrator.Collect(model, data, options, null, deriveClamps: true, CancellationToken.None);

        Assert.That(derived.Select(s => s.TensorName), Is.EquivalentTo(tapped.Select(s => s.TensorName)));
        Assert.That(derived.Select(s => s.TensorName), Is.Unique);
        var byName = derived.ToDictionary(s => s.TensorName);
        foreach (var expected in tapped)
        {
            var actual = byName[expected.TensorName];
            Assert.That((actual.Count, actual.Min, actual.Max, actual.Histogram.Range), Is.EqualTo((expected.Count, expected.Min, expected.Max, expected.Histogram.Range)), expected.TensorName);
            Assert.That(actual.Histogram.Counts.ToArray(), Is.EqualTo(expected.Histogram.Counts.ToArray()), expected.TensorName);
        }
    }

    private sealed class ListDataset(List<IReadOnlyDictionary<string, HostTensor>> batches) : ICalibrationDataset
    {
        public string Description => $"{batches.Count} batches";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) => batches;
    }
}
