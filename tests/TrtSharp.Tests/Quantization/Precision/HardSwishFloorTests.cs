using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// ort-cpu: a Conv output read only by a hardswish gets uint8 levels from -beta/alpha (where the hardswish is 0) up,
/// with q = 0 exactly there, so every value the quantizer clips still gives exactly 0 in ONNX Runtime.
/// </summary>
public class HardSwishFloorTests
{
    // conv0 → hardswish as paddle2onnx writes it (Add/Clip/Mul/Div, rewritten to Mul(x, HardSigmoid(x))) → conv1.
    // The weights are large so that conv0's output reaches well below -3.
    private static ModelProto ConvHardSwishConv(bool extraReader = false)
    {
        var b = new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(8 * 4 * 9, 31, 1.5f), 8, 4, 3, 3).Initializer("B0", ModelBuilder.Random(8, 32, 0.5f), 8)
            .Initializer("W1", ModelBuilder.Random(4 * 8, 33, 0.5f), 4, 8, 1, 1)
            .Initializer("three", [3f]).Initializer("zero", [0f]).Initializer("six", [6f]);
        b.Node("Conv", "conv0", ["x", "W0", "B0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
         .Node("Add", "hs_add", ["c0", "three"], "h1").Node("Clip", "hs_clip", ["h1", "zero", "six"], "h2")
         .Node("Mul", "hs_mul", ["c0", "h2"], "h3").Node("Div", "hs_div", ["h3", "six"], "h")
         .Node("Conv", "conv1", ["h", "W1"], "y");
        if (extraReader)
        {
            // A second reader that needs the values below -3.
            b.Node("Add", "other", ["c0", "three"], "o").Output("o");
        }

        return b.Output("y").Build();
    }

    private static readonly QdqOptions OrtCpu = new() { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false };

    [Test]
    public void ConvOutputReadOnlyByAHardSwishStartsWhereTheHardSwishIsZero()
    {
        var model = ConvHardSwishConv();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 500));
        Assert.That(ranges["c0"].Min, Is.LessThan(-6f), "the data must reach well below -3 for this test to mean anything");

        var (qdq, report) = QdqInserter.Insert(model, ranges, OrtCpu);
        qdq = OrtHarness.RoundTrip(qdq);

        var c0 = report.FindTensor("c0")!;
        Assert.That(c0.Note, Does.Contain("hardswish"));
        Assert.That(-c0.ZeroPoints[0] * c0.Scales[0], Is.EqualTo(-3f), "q = 0 is exactly -3");
        Assert.That((255 - c0.ZeroPoints[0]) * c0.Scales[0], Is.GreaterThanOrEqualTo(ranges["c0"].Max));
        var unclipped = QuantizationMath.AsymmetricUInt8(ranges["c0"].Min, ranges["c0"].Max).Scale;
        Assert.That(c0.Scales[0], Is.LessThan(unclipped * 0.9f), "the levels below -3 are not spent");

        // In ONNX Runtime every conv value clipped to -3 gives a hardswish of exactly 0, and the rest stays close.
        Assert.That(OrtCpuQdqTests.OptimizedOps(qdq), Does.Contain("QLinearConv"));
        int clipped = 0;
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 8000))
        {
            var fp32 = OrtHarness.Run(model, sample, ["c0", "h"]);
            var int8 = OrtHarness.Run(qdq, sample, ["h"]);
            for (var i = 0; i < fp32["c0"].Length; i++)
            {
                // Well below -3 (beyond the input's quantization error), the uint8 value saturates at q = 0.
                if (fp32["c0"][i] < -4f)
                {
                    Assert.That(int8["h"][i], Is.EqualTo(0f), $"h[{i}] for c0 = {fp32["c0"][i]}");
                    clipped++;
                }
            }

            Assert.That(OrtHarness.Cosine(fp32["h"], int8["h"]), Is.GreaterThanOrEqualTo(0.995));
            Assert.That(OrtHarness.Cosine(fp32["y"], int8["y"]), Is.GreaterThanOrEqualTo(0.99));
        }

        Assert.That(clipped, Is.GreaterThan(50));
    }

    [Test]
    public void ConvOutputWithAnotherReaderKeepsItsWholeRange()
    {
        var model = ConvHardSwishConv(extraReader: true);
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 500));

        var (_, report) = QdqInserter.Insert(model, ranges, OrtCpu);

        var c0 = report.FindTensor("c0")!;
        var (scale, zeroPoint) = QuantizationMath.AsymmetricUInt8(ranges["c0"].Min, ranges["c0"].Max);
        Assert.That(c0.Scales[0], Is.EqualTo(scale));
        Assert.That(c0.ZeroPoints[0], Is.EqualTo(zeroPoint));
    }

    [Test]
    public void HardSwishOperatorGetsTheSameFloor()
    {
        var model = new ModelBuilder(14).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(8 * 4 * 9, 31, 1.5f), 8, 4, 3, 3)
            .Initializer("W1", ModelBuilder.Random(4 * 8, 33, 0.5f), 4, 8, 1, 1)
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("HardSwish", "hs", ["c0"], "h")
            .Node("Conv", "conv1", ["h", "W1"], "y")
            .Output("y").Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 4, 500));

        var (qdq, report) = QdqInserter.Insert(model, ranges, OrtCpu);

        var c0 = report.FindTensor("c0")!;
        Assert.That(-c0.ZeroPoints[0] * c0.Scales[0], Is.EqualTo(-3f));
        var sample = TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 1, 9000)[0];
        Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(OrtHarness.RoundTrip(qdq), sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
    }

    [TestCase(1f / 6f, 0.5f)]
    [TestCase(0.2f, 0.5f)]
    [TestCase(1f / 7f, 0.45f)]
    [TestCase(0.3f, 0.1f)]
    [TestCase(1f / 3f, 0.7f)]
    public void FloorGivesExactlyZeroInOnnxRuntime(float alpha, float beta)
    {
        var floor = OrtCpuPlacement.ZeroOfHardSigmoid(alpha, beta);
        Assert.That(floor, Is.EqualTo(-beta / alpha).Within(4).Ulps, "it stays next to -beta/alpha");
        var model = new ModelBuilder(13).Input("x", 1, 4)
            .Node("HardSigmoid", "hs", ["x"], "s", ModelBuilder.Float("alpha", alpha), ModelBuilder.Float("beta", beta))
            .Node("Mul", "mul", ["x", "s"], "y")
            .Output("y").Output("s").Build();
        float[] x = [floor, MathF.BitDecrement(floor), floor - 1f, floor * 2f];
        var outputs = OrtHarness.Run(model, new OrtHarness.Sample(new() { ["x"] = (x, [1, 4]) }));
        Assert.That(outputs["s"], Is.All.EqualTo(0f));
        Assert.That(outputs["y"], Is.All.EqualTo(0f));
    }
}
