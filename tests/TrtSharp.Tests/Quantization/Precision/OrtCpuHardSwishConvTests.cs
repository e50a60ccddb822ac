using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The ort-cpu rule that keeps a short-reduction Conv read only by a hardswish in float
/// (<c>QdqOptions.KeepHardSwishConvsFasterInFloat</c>): ONNX Runtime must then fuse the hardswish into its float Conv,
/// while longer reductions, other readers and the option turned off keep the QLinearConv.
/// </summary>
public class OrtCpuHardSwishConvTests
{
    // x[1,8,12,12] → stem (3×3, 8→pwIn) → Relu → pw (1×1, pwIn→32; or 3×3 depthwise over pwIn) → x·HardSigmoid(x)
    // (or HardSwish) → tail (3×3) → y.
    private static ModelProto Block(int pwIn = 16, bool hardSwishOp = false, bool extraReader = false, bool depthwise = false)
    {
        int pwOut = depthwise ? pwIn : 32;
        var builder = new ModelBuilder(hardSwishOp ? 14 : 13).Input("x", 1, 8, 12, 12)
            .Initializer("Ws", ModelBuilder.Random(pwIn * 8 * 9, 1, 0.3f), pwIn, 8, 3, 3)
            .Initializer("Bp", ModelBuilder.Random(pwOut, 3, 0.2f), pwOut)
            .Initializer("Wt", ModelBuilder.Random(16 * pwOut * 9, 4, 0.1f), 16, pwOut, 3, 3)
            .Node("Conv", "stem", ["x", "Ws"], "s", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", "stem_relu", ["s"], "r");
        builder = depthwise
            ? builder.Initializer("Wp", ModelBuilder.Random(pwIn * 9, 2, 0.3f), pwIn, 1, 3, 3)
                .Node("Conv", "pw", ["r", "Wp", "Bp"], "p", ModelBuilder.Ints("pads", 1, 1, 1, 1), ModelBuilder.Int("group", pwIn))
            : builder.Initializer("Wp", ModelBuilder.Random(32 * pwIn, 2, 0.3f), 32, pwIn, 1, 1)
                .Node("Conv", "pw", ["r", "Wp", "Bp"], "p");
        builder = hardSwishOp
            ? builder.Node("HardSwish", "hsw", ["p"], "h")
            : builder.Node("HardSigmoid", "gate", ["p"], "g", ModelBuilder.Float("alpha", 1f / 6f), ModelBuilder.Float("beta", 0.5f))
                .Node("Mul", "hsw", ["p", "g"], "h");
        builder = builder.Node("Conv", "tail", ["h", "Wt"], "t", ModelBuilder.Ints("pads", 1, 1, 1, 1));
        if (extraReader)
        {
            builder = builder.Node("ReduceMean", "side", ["p"], "m", ModelBuilder.Ints("axes", 1), ModelBuilder.Int("keepdims", 1))
                .Node("Add", "join", ["t", "m"], "y");
        }
        else
        {
            builder = builder.Node("Relu", "out_relu", ["t"], "y");
        }

        return builder.Output("y").Build();
    }

    private static (ModelProto Qdq, QdqReport Report) Quantize(ModelProto model, bool rule = true)
    {
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 8, 12, 12], 6, 300));
        var options = new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false, KeepHardSwishConvsFasterInFloat = rule };
        var (qdq, report) = QdqInserter.Insert(model, ranges, options);
        return (OrtHarness.RoundTrip(qdq), report);
    }

    private static void AssertCloseToFloat(ModelProto model, ModelProto qdq)
    {
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 8, 12, 12], 3, 7000))
        {
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A16ChannelPointwiseConvBeforeAHardSwishStaysFloatAndOnnxRuntimeFusesTheHardSwish(bool hardSwishOp)
    {
        // The fusion belongs to ONNX Runtime's NCHWc layout, which its CPU provider has on x86-64 with AVX2 or AVX-512.
        Assume.That(RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx2.IsSupported, "ONNX Runtime uses NCHWc only on x86-64 with AVX2");
        var model = Block(hardSwishOp: hardSwishOp);
        var (qdq, report) = Quantize(model);

        var pw = report.FindNode("pw")!;
        Assert.That(pw.Status, Is.EqualTo(NodeStatus.Skipped));
        Assert.That(pw.Reason, Does.Contain(hardSwishOp ? "HardSwish 'hsw'" : "HardSigmoid 'gate' · Mul 'hsw'").And.Contain("reduction of 16 values"));
        Assert.That(report.FindNode("stem")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(report.FindNode("tail")!.Status, Is.EqualTo(NodeStatus.Quantized));
        var pwNode = qdq.Graph.Node.Single(n => n.Name == "pw");
        Assert.That(qdq.Graph.Node.Any(n => n.Output.Contains(pwNode.Input[1])), Is.False, "the weight stays a float initializer");

        // What ONNX Runtime runs (all optimizations, as a deployed session does): two QLinearConvs, and the pointwise
        // conv as a float Conv with the hardswish as its activation; no float HardSigmoid, Mul or HardSwish left.
        var optimized = OrtCpuQdqTests.OptimizedGraph(qdq, GraphOptimizationLevel.ORT_ENABLE_ALL);
        var ops = optimized.Node.Select(n => n.OpType).ToList();
        Assert.That(ops.Count(o => o == "QLinearConv"), Is.EqualTo(2), string.Join(", ", ops));
        var fused = optimized.Node.Where(n => n.OpType == "Conv").ToList();
        Assert.That(fused, Has.Count.EqualTo(1), string.Join(", ", ops));
        Assert.That(fused[0].Attribute.Single(a => a.Name == "activation").S.ToStringUtf8(), Is.EqualTo("HardSwish"));
        Assert.That(ops, Has.None.AnyOf("HardSigmoid", "Mul", "HardSwish"));
        AssertCloseToFloat(model, qdq);
    }

    [Test]
    public void TurnedOffThePointwiseConvBecomesAQLinearConvWithTheHardSwishInFloatBehindIt()
    {
        var model = Block();
        var (qdq, report) = Quantize(model, rule: false);

        Assert.That(report.FindNode("pw")!.Status, Is.EqualTo(NodeStatus.Quantized));
        var ops = OrtCpuQdqTests.OptimizedGraph(qdq, GraphOptimizationLevel.ORT_ENABLE_ALL).Node.Select(n => n.OpType).ToList();
        Assert.That(ops.Count(o => o == "QLinearConv"), Is.EqualTo(3), string.Join(", ", ops));
        Assert.That(ops, Does.Contain("HardSigmoid").And.Contain("Mul"));
        AssertCloseToFloat(model, qdq);
    }

    [Test]
    public void ALongerReductionIsQuantized()
    {
        var (_, report) = Quantize(Block(pwIn: 24));

        Assert.That(report.FindNode("pw")!.Status, Is.EqualTo(NodeStatus.Quantized), report.FindNode("pw")!.Reason);
    }

    [Test]
    public void ADepthwiseConvIsQuantized()
    {
        var (_, report) = Quantize(Block(depthwise: true));

        Assert.That(report.FindNode("pw")!.Status, Is.EqualTo(NodeStatus.Quantized), report.FindNode("pw")!.Reason);
    }

    [Test]
    public void AOneDimensionalConvIsQuantized()
    {
        // ONNX Runtime's NCHWc layout (and with it the fused hardswish) takes 2-D convolutions only.
        var model = new ModelBuilder(13).Input("x", 1, 8, 12)
            .Initializer("Ws", ModelBuilder.Random(16 * 8 * 3, 1, 0.3f), 16, 8, 3)
            .Initializer("Wp", ModelBuilder.Random(32 * 16, 2, 0.3f), 32, 16, 1)
            .Initializer("Wt", ModelBuilder.Random(16 * 32 * 3, 4, 0.1f), 16, 32, 3)
            .Node("Conv", "stem", ["x", "Ws"], "s", ModelBuilder.Ints("pads", 1, 1))
            .Node("Relu", "stem_relu", ["s"], "r")
            .Node("Conv", "pw", ["r", "Wp"], "p")
            .Node("HardSigmoid", "gate", ["p"], "g", ModelBuilder.Float("alpha", 1f / 6f), ModelBuilder.Float("beta", 0.5f))
            .Node("Mul", "hsw", ["p", "g"], "h")
            .Node("Conv", "tail", ["h", "Wt"], "t", ModelBuilder.Ints("pads", 1, 1))
            .Node("Relu", "out_relu", ["t"], "y")
            .Output("y")
            .Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 8, 12], 6, 300));
        var report = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false }).Report;

        Assert.That(report.FindNode("pw")!.Status, Is.EqualTo(NodeStatus.Quantized), report.FindNode("pw")!.Reason);
    }

    [Test]
    public void AConvWhoseOutputAlsoFeedsAnotherReaderIsQuantized()
    {
        var (_, report) = Quantize(Block(extraReader: true));

        Assert.That(report.FindNode("pw")!.Status, Is.EqualTo(NodeStatus.Quantized), report.FindNode("pw")!.Reason);
    }
}
