using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The ort-cpu placement around a miniature of PP-OCR's detector neck (squeeze-excitation Mul, residual Add, nearest
/// Resize, top-down Add, Concat): ORT must fuse the SE Mul and the residual Add into QLinearMul/QLinearAdd, while the
/// Resize (ORT's uint8 one is slower than its float one) and what reads it, a hardswish x·HardSigmoid(x) and an Add
/// with a constant operand stay float.
/// </summary>
public class OrtCpuElementwiseTests
{
    // x[1,4,8,8] → c0 → SE gate (GAP → 1×1 → Relu → 1×1 → HardSigmoid) → se = c0·gate → r = c0 + se → up = Resize×2;
    // z[1,4,16,16] → c1 → s = c1 + up → cat = Concat(s, up) → c2 → hardswish → + constant (in front of a padded conv: not folded) → y.
    private static ModelProto NeckLikeModel() =>
        new ModelBuilder(13).Input("x", 1, 4, 8, 8).Input("z", 1, 4, 16, 16)
            .Initializer("W0", ModelBuilder.Random(6 * 4 * 9, 1, 0.4f), 6, 4, 3, 3)
            .Initializer("Wg1", ModelBuilder.Random(3 * 6, 2, 0.6f), 3, 6, 1, 1)
            .Initializer("Wg2", ModelBuilder.Random(6 * 3, 3, 0.6f), 6, 3, 1, 1)
            .Initializer("W1", ModelBuilder.Random(6 * 4 * 9, 4, 0.4f), 6, 4, 3, 3)
            .Initializer("W2", ModelBuilder.Random(5 * 12, 5, 0.4f), 5, 12, 1, 1)
            .Initializer("W3", ModelBuilder.Random(2 * 5 * 9, 6, 0.3f), 2, 5, 3, 3)
            .Initializer("scales", [1f, 1f, 2f, 2f], 4)
            .Initializer("bias", [0.25f], 1)
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("GlobalAveragePool", "gap", ["c0"], "g0")
            .Node("Conv", "se_reduce", ["g0", "Wg1"], "g1")
            .Node("Relu", "se_relu", ["g1"], "g2")
            .Node("Conv", "se_expand", ["g2", "Wg2"], "g3")
            .Node("HardSigmoid", "se_gate", ["g3"], "g4", ModelBuilder.Float("alpha", 0.2f), ModelBuilder.Float("beta", 0.5f))
            .Node("Mul", "se_mul", ["c0", "g4"], "se")
            .Node("Add", "residual", ["c0", "se"], "r")
            .Node("Resize", "up", ["r", "", "scales"], "u", new AttributeProto { Name = "mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("nearest") })
            .Node("Conv", "lateral", ["z", "W1"], "c1", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Add", "top_down", ["c1", "u"], "s")
            .Node("Concat", "cat", ["s", "u"], "cat", ModelBuilder.Int("axis", 1))
            .Node("Conv", "fuse", ["cat", "W2"], "c2")
            .Node("HardSigmoid", "hs", ["c2"], "h", ModelBuilder.Float("alpha", 1f / 6f), ModelBuilder.Float("beta", 0.5f))
            .Node("Mul", "hswish", ["c2", "h"], "hw")
            .Node("Add", "head_bias", ["hw", "bias"], "hb")
            .Node("Conv", "head", ["hb", "W3"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y")
            .Build();

    private static OrtHarness.Sample[] Samples(int count, int seed)
    {
        var x = TensorRtQdqTests.Samples("x", [1, 4, 8, 8], count, seed);
        var z = TensorRtQdqTests.Samples("z", [1, 4, 16, 16], count, seed + 500);
        return [.. x.Zip(z).Select(p => new OrtHarness.Sample(new() { ["x"] = p.First.Inputs["x"], ["z"] = p.Second.Inputs["z"] }))];
    }

    [Test]
    public void NeckOpsBetweenQuantizedTensorsBecomeIntegerKernels()
    {
        var model = NeckLikeModel();
        var ranges = OrtHarness.Ranges(model, Samples(6, 300));
        // `fuse` (12 input channels, 1×1, then a hardswish) would stay float by KeepHardSwishConvsFasterInFloat; here it
        // is the quantized conv that reads the Concat.
        var (qdq, report) = QdqInserter.Insert(model, ranges,
            new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false, KeepHardSwishConvsFasterInFloat = false });
        Assert.That(report.FindNode("fuse")!.Status, Is.EqualTo(NodeStatus.Quantized), report.FindNode("fuse")!.Reason);
        qdq = OrtHarness.RoundTrip(qdq);

        foreach (var name in new[] { "se_mul", "residual" })
        {
            Assert.That(report.FindNode(name)!.Status, Is.EqualTo(NodeStatus.Quantized), name);
        }

        foreach (var name in new[] { "up", "top_down", "cat" })
        {
            Assert.That(report.FindNode(name)!.Status, Is.EqualTo(NodeStatus.Inherits), name);
        }

        Assert.That(report.FindNode("hswish")!.Status, Is.EqualTo(NodeStatus.Inherits), "a hardswish gates a full-size tensor by itself");
        Assert.That(report.FindNode("head_bias")!.Reason, Does.Contain("constant operand"));

        // The gate (a [1, 6, 1, 1] tensor) is quantized for QLinearMul; the Resize output is not (that would make ORT
        // run the Resize on uint8).
        Assert.That(report.FindTensor("g4"), Is.Not.Null);
        Assert.That(report.FindTensor("u"), Is.Null);

        var optimized = OrtCpuQdqTests.OptimizedOps(qdq);
        Assert.That(optimized.Count(o => o == "QLinearAdd"), Is.EqualTo(1), string.Join(", ", optimized));
        Assert.That(optimized.Count(o => o == "QLinearMul"), Is.EqualTo(1), string.Join(", ", optimized));
        Assert.That(optimized, Does.Contain("Resize").And.Contain("Concat"));
        // What stays float: the top-down Add, the hardswish's Mul and the head's constant Add.
        Assert.That(optimized.Where(o => o is "Add" or "Mul"), Is.EquivalentTo(new[] { "Add", "Mul", "Add" }), string.Join(", ", optimized));

        foreach (var sample in Samples(4, 7000))
        {
            var fp32 = OrtHarness.Run(model, sample)["y"];
            var int8 = OrtHarness.Run(qdq, sample)["y"];
            Assert.That(OrtHarness.Cosine(fp32, int8), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [Test]
    public void AConcatOfQuantizedConvOutputsReadByAConvBecomesQLinearConcat()
    {
        var model = new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, 1, 0.4f), 4, 4, 3, 3)
            .Initializer("W1", ModelBuilder.Random(3 * 4 * 9, 2, 0.4f), 3, 4, 3, 3)
            .Initializer("W2", ModelBuilder.Random(2 * 7 * 9, 3, 0.4f), 2, 7, 3, 3)
            .Node("Conv", "left", ["x", "W0"], "a", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Conv", "right", ["x", "W1"], "b", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Concat", "cat", ["a", "b"], "c", ModelBuilder.Int("axis", 1))
            .Node("Conv", "fuse", ["c", "W2"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y")
            .Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 300));
        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false });
        qdq = OrtHarness.RoundTrip(qdq);

        Assert.That(report.FindNode("cat")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(report.FindNode("cat")!.Reason, Does.Contain("QLinearConcat"));
        var optimized = OrtCpuQdqTests.OptimizedOps(qdq);
        Assert.That(optimized, Does.Contain("QLinearConcat").And.Not.Contain("Concat"), string.Join(", ", optimized));
        Assert.That(optimized.Count(o => o == "QLinearConv"), Is.EqualTo(2), "the two branch convs; the last writes the graph output, which stays float");
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 7000))
        {
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    /// <summary>
    /// Places ort-cpu Q/DQ on x → conv0 → c0 · HardSigmoid(e) → conv2, where <paramref name="branch"/> computes e from c0
    /// (the gate's branch), and returns the report.
    /// </summary>
    private static QdqReport PlaceGated(Func<ModelBuilder, ModelBuilder> branch)
    {
        var start = new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, 1, 0.4f), 4, 4, 3, 3)
            .Initializer("W2", ModelBuilder.Random(4 * 4 * 9, 3, 0.4f), 4, 4, 3, 3)
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1));
        var model = branch(start)
            .Node("HardSigmoid", "gate", ["e"], "g", ModelBuilder.Float("alpha", 0.2f), ModelBuilder.Float("beta", 0.5f))
            .Node("Mul", "gated", ["c0", "g"], "m")
            .Node("Conv", "conv2", ["m", "W2"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y")
            .Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 4, 300));
        return QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false }).Report;
    }

    [TestCase(new long[] { 2, 3 }, NodeStatus.Quantized, TestName = "A gate behind ReduceMean over H, W is squeeze-excitation")]
    [TestCase(new long[] { -1, -2 }, NodeStatus.Quantized, TestName = "A gate behind ReduceMean over the last two axes is squeeze-excitation")]
    [TestCase(new long[] { 1 }, NodeStatus.Inherits, TestName = "A gate behind ReduceMean over the channels is not squeeze-excitation")]
    [TestCase(new long[] { 3 }, NodeStatus.Inherits, TestName = "A gate behind ReduceMean over W alone is not squeeze-excitation")]
    [TestCase(new long[] { -1 }, NodeStatus.Inherits, TestName = "A gate behind ReduceMean over the last axis of four is not squeeze-excitation")]
    public void AGateBehindAReduceMeanCountsOnlyWhenItPoolsSpace(long[] axes, NodeStatus expected)
    {
        // Opset 13: ReduceMean's axes are an attribute. Over channels the branch is [N, 1, H, W], over W alone
        // [N, C, H, 1]: gates nearly as large as what they gate.
        var gateChannels = axes.Contains(1) ? 1 : 4;
        var report = PlaceGated(m => m
            .Initializer("Wg", ModelBuilder.Random(4 * gateChannels, 2, 0.6f), 4, gateChannels, 1, 1)
            .Node("ReduceMean", "pool", ["c0"], "p", ModelBuilder.Ints("axes", axes))
            .Node("Conv", "excite", ["p", "Wg"], "e"));

        Assert.That(report.FindNode("gated")!.Status, Is.EqualTo(expected));
    }

    [TestCase(new long[] { -1 }, NodeStatus.Quantized, TestName = "On [N, C, L] a gate behind ReduceMean over the last axis is squeeze-excitation")]
    [TestCase(new long[] { -2 }, NodeStatus.Inherits, TestName = "On [N, C, L] a gate behind ReduceMean over axis -2, the channels, is not squeeze-excitation")]
    public void NegativeReduceMeanAxesCountFromTheRankTheConvsTell(long[] axes, NodeStatus expected)
    {
        // 1-D convolutions: rank 3, so -1 is the length and -2 the channel axis.
        var gateChannels = axes.Contains(-2) ? 1 : 4;
        var model = new ModelBuilder(13).Input("x", 1, 4, 16)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 3, 1, 0.4f), 4, 4, 3)
            .Initializer("Wg", ModelBuilder.Random(4 * gateChannels, 2, 0.6f), 4, gateChannels, 1)
            .Initializer("W2", ModelBuilder.Random(4 * 4 * 3, 3, 0.4f), 4, 4, 3)
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1))
            .Node("ReduceMean", "pool", ["c0"], "p", ModelBuilder.Ints("axes", axes))
            .Node("Conv", "excite", ["p", "Wg"], "e")
            .Node("HardSigmoid", "gate", ["e"], "g", ModelBuilder.Float("alpha", 0.2f), ModelBuilder.Float("beta", 0.5f))
            .Node("Mul", "gated", ["c0", "g"], "m")
            .Node("Conv", "conv2", ["m", "W2"], "y", ModelBuilder.Ints("pads", 1, 1))
            .Output("y")
            .Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 16], 4, 300));
        var report = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false }).Report;

        Assert.That(report.FindNode("gated")!.Status, Is.EqualTo(expected));
    }

    [TestCase("c0", NodeStatus.Quantized, TestName = "A ReduceMean with no Conv after it takes the rank from the Conv it pools")]
    [TestCase("x", NodeStatus.Inherits, TestName = "A ReduceMean of a graph input has no rank to read -1 and -2 with")]
    public void AReduceMeanWithNoConvOnTheBranchReadsTheRankFromWhatItPools(string pooled, NodeStatus expected)
    {
        // pool → HardSigmoid → Mul, no Conv between: conv0's kernel says c0 is [N, C, H, W]; nothing says what x is.
        var report = PlaceGated(m => m.Node("ReduceMean", "pool", [pooled], "e", ModelBuilder.Ints("axes", -1, -2)));

        Assert.That(report.FindNode("gated")!.Status, Is.EqualTo(expected));
    }

    /// <summary>
    /// The torchvision/paddle shape of SE: x → conv0 → c0 · Reshape(Sigmoid(Gemm(Relu(Gemm(Flatten(GlobalAveragePool(c0)))))))
    /// → conv2, the excitation Gemm giving <paramref name="width"/> values per sample, reshaped to <paramref name="shape"/>.
    /// </summary>
    private static ModelProto GemmSqueezeExcitation(int width, long[] shape) =>
        new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, 1, 0.4f), 4, 4, 3, 3)
            .Initializer("Wa", ModelBuilder.Random(2 * 4, 2, 0.6f), 2, 4).Initializer("Ca", ModelBuilder.Random(2, 3, 0.1f), 2)
            .Initializer("Wb", ModelBuilder.Random(width * 2, 4, 0.6f), width, 2).Initializer("Cb", ModelBuilder.Random(width, 5, 0.1f), width)
            .Int64s("shape", shape, shape.Length)
            .Initializer("W2", ModelBuilder.Random(4 * 4 * 9, 6, 0.4f), 4, 4, 3, 3)
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("GlobalAveragePool", "pool", ["c0"], "p")
            .Node("Flatten", "flatten", ["p"], "f", ModelBuilder.Int("axis", 1))
            .Node("Gemm", "squeeze", ["f", "Wa", "Ca"], "h", ModelBuilder.Int("transB", 1))
            .Node("Relu", "relu", ["h"], "r")
            .Node("Gemm", "excite", ["r", "Wb", "Cb"], "e", ModelBuilder.Int("transB", 1))
            .Node("Sigmoid", "gate", ["e"], "s")
            .Node("Reshape", "unflatten", ["s", "shape"], "g")
            .Node("Mul", "gated", ["c0", "g"], "m")
            .Node("Conv", "conv2", ["m", "W2"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y")
            .Build();

    [Test]
    public void ASqueezeExcitationBuiltWithFlattenAndGemmFormsQLinearMul()
    {
        // The gate is found through the Reshape to [N, C, 1, 1], the branch walked through the Gemms and Flatten.
        var model = GemmSqueezeExcitation(4, [-1, 4, 1, 1]);
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 300));
        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false });
        qdq = OrtHarness.RoundTrip(qdq);

        Assert.That(report.FindNode("gated")!.Status, Is.EqualTo(NodeStatus.Quantized), report.FindNode("gated")!.Reason);
        Assert.That(report.FindNode("gated")!.Reason, Does.Contain("gate 'g'"));
        var optimized = OrtCpuQdqTests.OptimizedOps(qdq);
        Assert.That(optimized, Does.Contain("QLinearMul"), string.Join(", ", optimized));
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 7000))
        {
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [Test]
    public void AConvReadingANearestUpsampleKeepsTheResizeInFloat()
    {
        // conv0 → Relu (quantized, a uint8 carrier) → nearest Resize ×2 → conv1: the Resize output's range is its input's,
        // so conv1's input Q would repeat r's parameters and ONNX Runtime would run its slow uint8 Resize.
        var model = new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, 1, 0.4f), 4, 4, 3, 3)
            .Initializer("W1", ModelBuilder.Random(4 * 4 * 9, 2, 0.4f), 4, 4, 3, 3)
            .Initializer("W2", ModelBuilder.Random(4 * 4, 3, 0.4f), 4, 4, 1, 1)
            .Initializer("scales", [1f, 1f, 2f, 2f], 4)
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", "relu", ["c0"], "r")
            .Node("Resize", "up", ["r", "", "scales"], "u", new AttributeProto { Name = "mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("nearest") })
            .Node("Conv", "conv1", ["u", "W1"], "c1", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Conv", "conv2", ["c1", "W2"], "y")
            .Output("y")
            .Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 300));
        Assert.That((ranges["u"].Min, ranges["u"].Max), Is.EqualTo((ranges["r"].Min, ranges["r"].Max)), "nearest: same range");
        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false });
        qdq = OrtHarness.RoundTrip(qdq);

        var r = report.FindTensor("r")!;
        var u = report.FindTensor("u")!;
        Assert.That(u.ZeroPoints[0], Is.EqualTo(r.ZeroPoints[0]));
        Assert.That(u.Scales[0], Is.EqualTo(r.Scales[0] * (1f + (1f / 1024))), "the scale differs from r's by one part in 1024");
        Assert.That(u.Note, Does.Contain("keeps that Resize in float"));
        var optimized = OrtCpuQdqTests.OptimizedGraph(qdq);
        var resize = optimized.Node.Single(n => n.OpType == "Resize");
        Assert.That(optimized.Node.Single(n => n.Output.Contains(resize.Input[0])).OpType, Is.EqualTo("DequantizeLinear"), "the Resize reads float");
        Assert.That(optimized.Node.Count(n => n.OpType == "QLinearConv"), Is.EqualTo(2), "conv0 and conv1; conv2 writes the graph output");
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 7000))
        {
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [Test]
    public void AGemmBranchReshapedToFullSizeIsNoSqueezeExcitationGate()
    {
        // The excitation Gemm widens to C·H·W and the Reshape makes a full-size gate: quantizing it would cost a full pass.
        var model = GemmSqueezeExcitation(4 * 8 * 8, [-1, 4, 8, 8]);
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 300));
        var report = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false }).Report;

        Assert.That(report.FindNode("gated")!.Status, Is.EqualTo(NodeStatus.Inherits));
    }

    [Test]
    public void AFullSizeGateFromAnotherBranchIsNotQuantizedForTheMul()
    {
        // HardSigmoid(attn(c0)) gates c0 at full size (a spatial attention, not squeeze-excitation): quantizing the gate for
        // QLinearMul would add a full-size Q pass, so the Mul stays float.
        var report = PlaceGated(m => m
            .Initializer("W1", ModelBuilder.Random(4 * 4, 2, 0.4f), 4, 4, 1, 1)
            .Node("Conv", "attn", ["c0", "W1"], "e"));

        Assert.That(report.FindNode("gated")!.Status, Is.EqualTo(NodeStatus.Inherits));
        Assert.That(report.FindNode("gated")!.Reason, Does.Contain("input 'g' arrives in float"));
    }

    [Test]
    public void AddWithAFloatOperandStaysFloatWithTheReason()
    {
        // The residual Add reads a float Tanh (no integer kernel): QLinearAdd cannot be formed, so no Q/DQ is added for it.
        var model = new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, 1, 0.4f), 4, 4, 3, 3)
            .Initializer("W1", ModelBuilder.Random(4 * 4, 2, 0.4f), 4, 4, 1, 1)
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Tanh", "act", ["c0"], "t")
            .Node("Add", "residual", ["c0", "t"], "r")
            .Node("Conv", "conv1", ["r", "W1"], "y")
            .Output("y")
            .Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 4, 300));
        var (_, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false });

        Assert.That(report.FindNode("residual")!.Status, Is.EqualTo(NodeStatus.Inherits));
        Assert.That(report.FindNode("residual")!.Reason, Does.Contain("input 't' arrives in float"));
        Assert.That(report.FindTensor("t"), Is.Null);
    }
}
