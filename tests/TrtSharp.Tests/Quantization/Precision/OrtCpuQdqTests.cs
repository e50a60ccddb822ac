using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

public class OrtCpuQdqTests
{
    // A miniature of the speech-embedding CNN: Conv → LeakyRelu(0.2) → Max(·, -0.4) blocks with a MaxPool.
    private static ModelProto SpeechLikeModel()
    {
        var b = new ModelBuilder(13).Input("x", 1, 1, 16, 8).Initializer("c", [-0.4f]);
        long[][] shapes = [[8, 1, 3, 3], [8, 8, 3, 3], [8, 8, 3, 3], [4, 8, 3, 3]];
        var input = "x";
        for (var i = 0; i < 4; i++)
        {
            var s = shapes[i];
            var fanIn = s[1] * 9;
            b.Initializer($"W{i}", ModelBuilder.Random((int)(s[0] * fanIn), 10 + i, 1.5f / MathF.Sqrt(fanIn)), s)
             .Initializer($"B{i}", ModelBuilder.Random((int)s[0], 20 + i, 0.1f), s[0])
             .Node("Conv", $"conv{i}", [input, $"W{i}", $"B{i}"], $"c{i}", ModelBuilder.Ints("pads", 1, 1, 1, 1));
            input = $"c{i}";
            if (i < 3)
            {
                b.Node("LeakyRelu", $"lrelu{i}", [input], $"l{i}", ModelBuilder.Float("alpha", 0.2f))
                 .Node("Max", $"max{i}", [$"l{i}", "c"], $"m{i}");
                input = $"m{i}";
            }

            if (i == 1)
            {
                b.Node("MaxPool", "pool1", [input], "p1", ModelBuilder.Ints("kernel_shape", 2, 2), ModelBuilder.Ints("strides", 2, 2));
                input = "p1";
            }
        }

        return b.Output(input).Build();
    }

    [Test]
    public void SpeechLikeCnnGetsTheOrtCpuPlacement()
    {
        var model = SpeechLikeModel();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 1, 16, 8], 6, 300));

        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu });
        qdq = OrtHarness.RoundTrip(qdq);

        // First and last conv stay float (float weights, no DQ in front of them).
        Assert.That(report.FindNode("conv0")!.Status, Is.EqualTo(NodeStatus.Skipped));
        Assert.That(report.FindNode("conv3")!.Status, Is.EqualTo(NodeStatus.Skipped));
        Assert.That(qdq.Graph.Node.Single(n => n.Name == "conv0").Input[1], Is.EqualTo("W0"));
        Assert.That(qdq.Graph.Node.Single(n => n.Name == "conv3").Input[1], Is.EqualTo("W3"));
        Assert.That(report.FindNode("lrelu0")!.Status, Is.EqualTo(NodeStatus.Skipped), "its input comes from a float conv");
        Assert.That(report.FindNode("max0")!.Status, Is.EqualTo(NodeStatus.Inherits));

        // conv1/conv2 quantized; their outputs too (uint8), LeakyRelu carried, the Max after it folded away.
        foreach (var name in new[] { "conv1", "conv2", "lrelu1", "lrelu2", "pool1" })
        {
            Assert.That(report.FindNode(name)!.Status, Is.EqualTo(NodeStatus.Quantized), name);
        }

        Assert.That(report.FindNode("max1")!.Status, Is.EqualTo(NodeStatus.Folded));
        Assert.That(report.FindNode("max2")!.Status, Is.EqualTo(NodeStatus.Folded));
        Assert.That(GraphAssert.Nodes(qdq, "Max").Select(n => n.Name), Is.EqualTo(new[] { "max0" }));
        var quantized = GraphAssert.Nodes(qdq, "QuantizeLinear").Select(n => n.Input[0]).Order().ToArray();
        Assert.That(quantized, Is.EqualTo(new[] { "c1", "c2", "l1", "l2", "m0", "p1" }));

        // Activations are uint8; folded tensors dequantize q = 0 to exactly -0.4.
        foreach (var q in GraphAssert.Nodes(qdq, "QuantizeLinear"))
        {
            Assert.That(GraphAssert.Init(qdq, q.Input[2]).DataType, Is.EqualTo((int)TensorProto.Types.DataType.Uint8), q.Input[0]);
        }

        foreach (var folded in new[] { "l1", "l2" })
        {
            var entry = report.FindTensor(folded)!;
            Assert.That(-entry.ZeroPoints[0] * entry.Scales[0], Is.EqualTo(-0.4f), folded);
            Assert.That((255 - entry.ZeroPoints[0]) * entry.Scales[0], Is.GreaterThanOrEqualTo(ranges[folded].Max * 0.99f), folded);
        }

        // Conv outputs that feed LeakyRelu(0.2) → folded Max(·, -0.4) and whose data stays above -0.4 / 0.2 keep [min, max].
        foreach (var conv in new[] { "c1", "c2" })
        {
            var entry = report.FindTensor(conv)!;
            Assert.That(ranges[conv].Min, Is.GreaterThan(-0.4f / 0.2f), conv);
            var (scale, zeroPoint) = QuantizationMath.AsymmetricUInt8(ranges[conv].Min, ranges[conv].Max);
            Assert.That(entry.Scales[0], Is.EqualTo(scale), conv);
            Assert.That(entry.ZeroPoints[0], Is.EqualTo(zeroPoint), conv);
        }

        // MaxPool output shares its input's parameters; asymmetric params elsewhere follow [min, max].
        var pool = report.FindTensor("p1")!;
        var poolIn = report.FindTensor("l1")!;
        Assert.That(pool.Scales, Is.EqualTo(poolIn.Scales));
        Assert.That(pool.ZeroPoints, Is.EqualTo(poolIn.ZeroPoints));
        var m0 = report.FindTensor("m0")!;
        var r = ranges["m0"];
        var expectedScale = (MathF.Max(r.Max, 0) - MathF.Min(r.Min, 0)) / 255f;
        Assert.That(m0.Scales[0], Is.EqualTo(expectedScale));
        Assert.That(m0.ZeroPoints[0], Is.EqualTo((int)Math.Round(-MathF.Min(r.Min, 0) / expectedScale, MidpointRounding.ToEven)));

        // Bias: int32, zero point 0, scale = input scale × per-channel weight scale, values round(b / scale).
        var w1 = report.FindTensor("W1")!;
        var b1 = report.FindTensor("B1")!;
        Assert.That(w1.Axis, Is.EqualTo(0));
        Assert.That(b1.ElementType, Is.EqualTo((int)TensorProto.Types.DataType.Int32));
        Assert.That(b1.Scales, Is.EqualTo(w1.Scales.Select(s => m0.Scales[0] * s).ToArray()));
        var biasDq = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "conv1").Input[2]);
        var biasValues = GraphAssert.Init(qdq, biasDq.Input[0]).Int32Data.ToArray();
        var bias = ModelBuilder.Random(8, 21, 0.1f);
        for (var c = 0; c < 8; c++)
        {
            Assert.That(biasValues[c], Is.EqualTo((int)Math.Round((double)bias[c] / b1.Scales[c], MidpointRounding.ToEven)));
        }

        // ORT fuses the groups into integer kernels, and the result stays close to FP32.
        var optimized = OptimizedOps(qdq);
        Assert.That(optimized, Does.Contain("QLinearConv"));
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 1, 16, 8], 4, 7000))
        {
            var fp32 = OrtHarness.Run(model, sample)["c3"];
            var int8 = OrtHarness.Run(qdq, sample)["c3"];
            Assert.That(OrtHarness.Cosine(fp32, int8), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [Test]
    public void ConvOutputBeforeLeakyReluAndMaxIsClippedWhereTheChainSaturates()
    {
        var model = SpeechLikeModel();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 1, 16, 8], 2, 300));
        // A conv output reaching far below -0.4 / 0.2 = -2: its levels must be spent on [-2, max] only.
        ranges["c1"] = new TensorRange(-50f, 30f);
        ranges["c2"] = new TensorRange(-50f, 30f);

        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu });

        foreach (var conv in new[] { "c1", "c2" })
        {
            // q = 0 dequantizes to exactly -2 and the top level still reaches 30: scale 2/15, not 80/255 unclipped.
            var entry = report.FindTensor(conv)!;
            Assert.That(-entry.ZeroPoints[0] * entry.Scales[0], Is.EqualTo(-0.4f / 0.2f), conv);
            Assert.That((255 - entry.ZeroPoints[0]) * entry.Scales[0], Is.GreaterThanOrEqualTo(30f), conv);
            Assert.That(entry.Scales[0], Is.EqualTo(2f / 15f).Within(1).Ulps, conv);
        }

        // The last conv (kept float here) and the first conv's float output are not clipped: nothing quantizes them.
        Assert.That(report.FindTensor("c0"), Is.Null);
        var sample = TensorRtQdqTests.Samples("x", [1, 1, 16, 8], 1, 77)[0];
        Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["c3"], OrtHarness.Run(OrtHarness.RoundTrip(qdq), sample)["c3"]), Is.GreaterThanOrEqualTo(0.98));
    }

    [Test]
    public void KeepFloatNodesAndEdgeConvOptions()
    {
        var model = SpeechLikeModel();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 1, 16, 8], 2, 300));
        var options = new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false, KeepFloatNodes = ["conv2", "zzz"] };

        var (qdq, report) = QdqInserter.Insert(model, ranges, options);

        Assert.That(report.FindNode("conv0")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(report.FindNode("conv2")!.Status, Is.EqualTo(NodeStatus.Excluded), "listed with the exclusions, as --exclude-nodes gives it back");
        // conv3's output is the graph output: its input is quantized, the output stays float.
        Assert.That(report.FindNode("conv3")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(GraphAssert.Producer(qdq, "c3").OpType, Is.EqualTo("Conv"));
        Assert.That(report.Warnings, Has.Exactly(1).Contains("'zzz'"));
        Assert.That(report.FindTensor("x")!.ElementType, Is.EqualTo((int)TensorProto.Types.DataType.Uint8));
        var sample = TensorRtQdqTests.Samples("x", [1, 1, 16, 8], 1, 55)[0];
        Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["c3"], OrtHarness.Run(qdq, sample)["c3"]), Is.GreaterThanOrEqualTo(0.98));
    }

    [Test]
    public void FoldParametersPutZeroExactlyOnTheConstant()
    {
        foreach (var (c, max) in new[] { (-0.4f, 3.7f), (-0.4f, 0.01f), (-1f, 100f), (-0.3f, 0.3f), (0f, 2f) })
        {
            var p = OrtCpuPlacement.FoldParams(c, max);
            Assert.That(-p.ZeroPoint * p.Scale, Is.EqualTo(c), $"c={c} max={max}");
            Assert.That(p.ZeroPoint, Is.InRange(0, 255));
            Assert.That((255 - p.ZeroPoint) * p.Scale, Is.GreaterThanOrEqualTo(max * 0.98f), $"c={c} max={max}");
        }
    }

    internal static List<string> OptimizedOps(ModelProto model) => [.. OptimizedGraph(model).Node.Select(n => n.OpType)];

    /// <summary>The graph ONNX Runtime runs after its extended optimizations (QDQ fusions such as QLinearConv), or after <paramref name="level"/>.</summary>
    internal static GraphProto OptimizedGraph(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        var path = Path.Combine(Path.GetTempPath(), $"trtsharp-qdq-opt-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = path })
            using (new InferenceSession(model.ToByteArray(), options))
            {
            }

            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
