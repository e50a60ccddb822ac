using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.Sensitivity;
using TrtSharp.Tensors;
using TrtSharp.Tests.RealModels;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The float rewrites the ort-cpu profile applies before placing Q/DQ (<see cref="ConvAffineFolding"/>,
/// <see cref="HardSwishRewrite"/>): they must compute what the original graph computes, and fold only where exact.
/// </summary>
public class OrtCpuFloatRewriteTests
{
    // A miniature of a PP-LCNet block as paddle2onnx writes it: conv → scale/bias → hardswish as Add/Clip/Mul/Div →
    // scale/bias → unpadded 1×1 conv → per-channel scale/bias → Relu → scale/bias in front of a padded conv (must stay).
    private static ModelProto LcNetLikeModel()
    {
        var b = new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(8 * 4 * 9, 1, 0.4f), 8, 4, 3, 3).Initializer("B0", ModelBuilder.Random(8, 2, 0.1f), 8)
            .Initializer("W1", ModelBuilder.Random(6 * 8, 3, 0.5f), 6, 8, 1, 1)
            .Initializer("W2", ModelBuilder.Random(2 * 6 * 9, 4, 0.3f), 2, 6, 3, 3).Initializer("B2", ModelBuilder.Random(2, 5, 0.1f), 2)
            .Initializer("s0", [1.7f]).Initializer("b0", [0.3f]).Initializer("s1", [0.8f]).Initializer("b1", [-0.2f])
            .Initializer("s2", [0.5f, 1.5f, -1f, 2f, 0.25f, 1f], 1, 6, 1, 1).Initializer("b2", [0.1f, 0.2f, 0.3f, -0.1f, -0.2f, 0f], 1, 6, 1, 1)
            .Initializer("s3", [1.3f]).Initializer("b3", [0.4f])
            .Initializer("three", [3f]).Initializer("zero", [0f]).Initializer("six", [6f]);
        b.Node("Conv", "conv0", ["x", "W0", "B0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
         .Node("Mul", "mul0", ["c0", "s0"], "m0").Node("Add", "add0", ["m0", "b0"], "a0")
         .Node("Add", "hs_add", ["a0", "three"], "h1").Node("Clip", "hs_clip", ["h1", "zero", "six"], "h2")
         .Node("Mul", "hs_mul", ["a0", "h2"], "h3").Node("Div", "hs_div", ["h3", "six"], "h4")
         .Node("Mul", "mul1", ["h4", "s1"], "m1").Node("Add", "add1", ["m1", "b1"], "a1")
         .Node("Conv", "conv1", ["a1", "W1"], "c1")
         .Node("Mul", "mul2", ["s2", "c1"], "m2").Node("Add", "add2", ["m2", "b2"], "a2")
         .Node("Relu", "relu2", ["a2"], "r2")
         .Node("Mul", "mul3", ["r2", "s3"], "m3").Node("Add", "add3", ["m3", "b3"], "a3")
         .Node("Conv", "conv2", ["a3", "W2", "B2"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1));
        return b.Output("y").Build();
    }

    [Test]
    public void RewritesComputeWhatTheOriginalGraphComputes()
    {
        var model = LcNetLikeModel();
        var rewritten = model.Clone();
        var options = new QdqOptions { Profile = QdqProfile.OrtCpu };
        var folded = ConvAffineFolding.Run(rewritten.Graph, options);
        var hardSwish = HardSwishRewrite.Run(rewritten.Graph, options);

        // conv0 takes mul0/add0; conv1 takes mul1/add1 on its input (unpadded) and mul2/add2 on its output
        // (per-channel); mul3/add3 sit in front of a padded conv, where a folded offset would be wrong at the border.
        Assert.That(folded.Select(d => d.NodeName).Order(), Is.EqualTo(new[] { "add0", "add1", "add2", "mul0", "mul1", "mul2" }));
        Assert.That(folded.Select(d => d.Status).Distinct(), Is.EqualTo(new[] { NodeStatus.Folded }));
        Assert.That(hardSwish.Select(d => d.NodeName), Is.EquivalentTo(new[] { "hs_add", "hs_clip", "hs_div" }));
        var ops = rewritten.Graph.Node.Select(n => n.OpType).ToArray();
        Assert.That(ops, Is.EqualTo(new[] { "Conv", "HardSigmoid", "Mul", "Conv", "Relu", "Mul", "Add", "Conv" }));
        Assert.That(rewritten.Graph.Node.Where(n => n.OpType == "Mul").Select(n => n.Name), Is.EqualTo(new[] { "hs_mul", "mul3" }));
        Assert.That(rewritten.Graph.Initializer.Select(i => i.Name), Has.None.EqualTo("W0").And.None.EqualTo("W1").And.None.EqualTo("B0"),
            "replaced weights nothing reads any more are dropped");

        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 900))
        {
            var expected = OrtHarness.Run(model, sample)["y"];
            var actual = OrtHarness.Run(rewritten, sample)["y"];
            var scale = expected.Max(MathF.Abs);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-5f * scale + 1e-6f), $"y[{i}]");
            }
        }
    }

    [Test]
    public void AConvTheSearchKeepsFloatKeepsItsAffineFoldAndNeedsNoNewRange()
    {
        // The target search and sensitivity reuse the full placement's ranges. Keeping conv0 float must not undo the fold
        // of mul0/add0 into it: its own output 'c0' was never calibrated (the Q sits on 'a0'). On the real detector an
        // undone fold asked for such a range and threw (OcrDetectorTests.OrtCpuTrialsKeepEachConvolutionFloat…).
        var model = OnnxModel.FromProto(LcNetLikeModel());
        var samples = TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 4, 310)
            .Select(s => (IReadOnlyDictionary<string, HostTensor>)new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>(s.Inputs["x"].Shape, s.Inputs["x"].Data) })
            .ToList();
        var data = new InMemoryDataset("lcnet samples", samples);
        var options = new QuantizeOptions { Method = CalibrationMethod.Max, Qdq = new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false } };
        var quantized = ModelQuantizer.Quantize(model, data, options);
        Assert.That(quantized.Statistics.Select(t => t.TensorName), Has.None.EqualTo("c0"), "only what the full placement quantizes is calibrated");
        using var trials = new Int8Trials(model, quantized, options, data, null);
        Assert.That(trials.Layers.Select(l => l.Name), Does.Contain("conv0"));

        var kept = trials.Build(["conv0"]);

        Assert.That(kept.Qdq.FindNode("conv0")!.Status, Is.EqualTo(NodeStatus.Excluded));
        Assert.That(kept.Qdq.FindNode("mul0")!.Status, Is.EqualTo(NodeStatus.Folded));
        Assert.That(kept.Qdq.FindNode("add0")!.Status, Is.EqualTo(NodeStatus.Folded));
        // What the search reports is given back with --exclude-nodes: that builds the same graph from the same ranges.
        var givenBack = ModelQuantizer.FromStatistics(model, quantized.Statistics, options with { Qdq = options.Qdq with { ExcludeNodes = ["conv0"] } });
        Assert.That(givenBack.Model.Proto.Graph, Is.EqualTo(kept.Model.Proto.Graph));
    }

    [Test]
    public void OrtCpuPlacementQuantizesTheRewrittenGraphAndStaysNearFp32()
    {
        var model = LcNetLikeModel();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 300));
        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false });
        qdq = OrtHarness.RoundTrip(qdq);

        foreach (var name in new[] { "mul0", "add0", "mul1", "add1", "mul2", "add2", "hs_add", "hs_clip", "hs_div" })
        {
            Assert.That(report.FindNode(name)!.Status, Is.EqualTo(NodeStatus.Folded), name);
        }

        // The conv outputs take over the calibrated ranges of the tensors they now produce.
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear").Select(n => n.Input[0]), Is.SupersetOf(new[] { "a0", "a2" }));
        Assert.That(GraphAssert.Nodes(qdq, "Clip"), Is.Empty);
        Assert.That(GraphAssert.Nodes(qdq, "Div"), Is.Empty);
        // conv2 writes the float graph output, so only conv0 and conv1 are certain to become QLinearConv.
        Assert.That(OrtCpuQdqTests.OptimizedOps(qdq).Count(op => op == "QLinearConv"), Is.GreaterThanOrEqualTo(2));
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 4, 7000))
        {
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [Test]
    public void HardSwishWhoseClipHasAnotherReaderIsLeftAlone()
    {
        var model = new ModelBuilder(13).Input("x", 1, 2, 4, 4)
            .Initializer("three", [3f]).Initializer("zero", [0f]).Initializer("six", [6f])
            .Node("Add", "hs_add", ["x", "three"], "h1").Node("Clip", "hs_clip", ["h1", "zero", "six"], "h2")
            .Node("Mul", "hs_mul", ["x", "h2"], "h3").Node("Div", "hs_div", ["h3", "six"], "y")
            .Output("y").Output("h2").Build();

        Assert.That(HardSwishRewrite.Run(model.Graph, new QdqOptions()), Is.Empty);
        Assert.That(model.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Add", "Clip", "Mul", "Div" }));
    }
}
