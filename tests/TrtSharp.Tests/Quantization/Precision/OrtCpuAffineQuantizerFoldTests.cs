using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The scalar affine after a hardswish, y = s·h + b in front of a padded depthwise conv (PP-LCNet), folded into y's
/// uint8 quantizer by the ort-cpu placement: the Q/DQ pair must give what quantizing y itself gives, with no float Mul/Add.
/// </summary>
public class OrtCpuAffineQuantizerFoldTests
{
    private const float S = 0.8f;

    // x → conv0 → hardswish (HardSigmoid, Mul) → ·s → +b → depthwise 3×3 conv (padded: ConvAffineFolding must leave it) → y.
    private static ModelProto Model(float b) =>
        new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, 1, 0.4f), 4, 4, 3, 3)
            .Initializer("W1", ModelBuilder.Random(4 * 9, 2, 0.5f), 4, 1, 3, 3)
            .Initializer("s", [S]).Initializer("b", [b])
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("HardSigmoid", "hs", ["c0"], "g", ModelBuilder.Float("alpha", 1f / 6f), ModelBuilder.Float("beta", 0.5f))
            .Node("Mul", "hswish", ["c0", "g"], "h")
            .Node("Mul", "scale", ["h", "s"], "m")
            .Node("Add", "shift", ["m", "b"], "a")
            .Node("Conv", "dw", ["a", "W1"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1), ModelBuilder.Int("group", 4))
            .Output("y")
            .Build();

    // x → conv0 → an activation of c0 ('r': Relu, or Max with 0) → ·s → +b → depthwise 3×3 padded conv → y.
    private static ModelProto ActivationThenAffine(string op, string name, float b, int seed) =>
        new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, seed, 0.4f), 4, 4, 3, 3)
            .Initializer("W1", ModelBuilder.Random(4 * 9, seed + 1, 0.5f), 4, 1, 3, 3)
            .Initializer("zero", [0f]).Initializer("s", [S]).Initializer("b", [b])
            .Node("Conv", "conv0", ["x", "W0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node(op, name, op == "Max" ? ["c0", "zero"] : ["c0"], "r")
            .Node("Mul", "scale", ["r", "s"], "m")
            .Node("Add", "shift", ["m", "b"], "a")
            .Node("Conv", "dw", ["a", "W1"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1), ModelBuilder.Int("group", 4))
            .Output("y")
            .Build();

    private static (ModelProto Qdq, QdqReport Report) Quantize(ModelProto model, IReadOnlyList<string>? keepFloat = null) =>
        Quantize(model, Ranges(model), keepFloat);

    private static Dictionary<string, TensorRange> Ranges(ModelProto model) => OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 300));

    private static (ModelProto Qdq, QdqReport Report) Quantize(ModelProto model, Dictionary<string, TensorRange> ranges, IReadOnlyList<string>? keepFloat = null)
    {
        var options = new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false, KeepFloatNodes = keepFloat ?? [] };
        var (qdq, report) = QdqInserter.Insert(model, ranges, options);
        return (OrtHarness.RoundTrip(qdq), report);
    }

    [Test]
    public void AffineBeforeAPaddedConvBecomesTheQuantizerOfItsOutput()
    {
        const float b = -0.5f;
        var model = Model(b);
        var ranges = Ranges(model);
        var (qdq, report) = Quantize(model, ranges);

        Assert.That(report.FindNode("scale")!.Status, Is.EqualTo(NodeStatus.Folded));
        Assert.That(report.FindNode("shift")!.Status, Is.EqualTo(NodeStatus.Folded));
        Assert.That(qdq.Graph.Node.Where(n => n.OpType is "Add" || n.OpType == "Mul" && n.Name != "hswish"), Is.Empty);

        // The conv reads a DQ with y's parameters (S, Z); the Q before it reads h with (S/s, Z + k), and b is k steps exactly.
        var dq = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "dw").Input[0]);
        var q = GraphAssert.Producer(qdq, dq.Input[0]);
        Assert.That(q.Input[0], Is.EqualTo("h"));
        var scale = GraphAssert.Floats(qdq, dq.Input[1])[0];
        var zero = (int)GraphAssert.Init(qdq, dq.Input[2]).RawData[0];
        var qScale = GraphAssert.Floats(qdq, q.Input[1])[0];
        var qZero = (int)GraphAssert.Init(qdq, q.Input[2]).RawData[0];
        var k = qZero - zero;
        Assert.That(k * scale, Is.EqualTo(b).Within(1e-6f));
        Assert.That(qScale, Is.EqualTo(scale / S).Within(1e-6f * scale));
        var range = report.FindTensor("a")!;
        Assert.That(range.Scales[0], Is.EqualTo(scale));
        // The scale is the nearest to the range's that makes b whole steps: k = round(b/S), within MaxScaleChange.
        var rangeScale = QuantizationMath.AsymmetricUInt8(ranges["a"].Min, ranges["a"].Max).Scale;
        Assert.That(k, Is.EqualTo((int)MathF.Round(b / rangeScale, MidpointRounding.AwayFromZero)));
        Assert.That(MathF.Abs(scale / rangeScale - 1f), Is.LessThanOrEqualTo(OrtCpuAffineQuantizerFold.MaxScaleChange));
        Assert.That(zero, Is.EqualTo((int)Math.Clamp(MathF.Round(-MathF.Min(ranges["a"].Min, 0f) / scale), 0f, 255f)));

        // Bit for bit what Q/DQ on a itself would give (up to float rounding at a tie): S·(clamp(round(a/S) + Z) − Z).
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 7000))
        {
            var run = OrtHarness.Run(qdq, sample, ["h", dq.Output[0]]);
            var h = run["h"];
            var actual = run[dq.Output[0]];
            var off = 0;
            for (var i = 0; i < h.Length; i++)
            {
                var level = Math.Clamp(MathF.Round((S * h[i] + b) / scale, MidpointRounding.ToEven) + zero, 0f, 255f);
                var expected = scale * (level - zero);
                Assert.That(actual[i], Is.EqualTo(expected).Within(scale * 1.001f), $"a[{i}]");
                off += MathF.Abs(actual[i] - expected) > 1e-5f ? 1 : 0;
            }

            Assert.That(off, Is.LessThanOrEqualTo(h.Length / 100), "only rounding ties may land one step apart");
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], run["y"]), Is.GreaterThanOrEqualTo(0.99));
        }

        var optimized = OrtCpuQdqTests.OptimizedOps(qdq);
        Assert.That(optimized, Has.None.EqualTo("Add"), string.Join(", ", optimized));
        Assert.That(optimized.Count(o => o == "Mul"), Is.EqualTo(1), string.Join(", ", optimized));
    }

    [Test]
    public void AnAffineAfterAQuantizedReluQuantizesTheFloatTensorOnce()
    {
        // conv0 → Relu: both get uint8 outputs, so the Mul reads the Relu's DequantizeLinear. The folded quantizer must
        // read the float Relu output, after the Relu (not a Q of that DQ output, which would round twice and have no
        // producer to follow).
        const float b = 0.75f;
        var model = ActivationThenAffine("Relu", "relu", b, seed: 3);
        var (qdq, report) = Quantize(model);

        Assert.That(report.FindNode("relu")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(report.FindNode("scale")!.Status, Is.EqualTo(NodeStatus.Folded));
        var dq = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "dw").Input[0]);
        var q = GraphAssert.Producer(qdq, dq.Input[0]);
        Assert.That(q.Input[0], Is.EqualTo("r"), "the fold quantizes the float Relu output");
        AssertTopological(qdq);

        // ORT loads it (it refuses unsorted graphs) and the result follows FP32.
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 7100))
        {
            Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    private static void AssertTopological(ModelProto model)
    {
        var known = new HashSet<string>(model.Graph.Input.Select(i => i.Name).Concat(model.Graph.Initializer.Select(i => i.Name))) { string.Empty };
        foreach (var node in model.Graph.Node)
        {
            Assert.That(node.Input.Where(i => !known.Contains(i)), Is.Empty, $"node '{node.Name}' reads a tensor produced after it");
            known.UnionWith(node.Output);
        }
    }

    [Test]
    public void AnAffineAfterAFoldedMaxKeepsTheClamp()
    {
        // conv0 → Max(·, 0) (folded into conv0's uint8 quantizer: q = 0 is 0) → ·s → +b (b > 0) → padded conv. The Mul reads
        // the DQ that stands for Max(c0, 0); quantizing c0 afresh for the fold would drop the clamp, so nothing is folded.
        const float b = 0.75f;
        var model = ActivationThenAffine("Max", "clamp", b, seed: 5);
        var (qdq, report) = Quantize(model);

        Assert.That(report.FindNode("clamp")!.Status, Is.EqualTo(NodeStatus.Folded));
        Assert.That(report.FindNode("scale")!.Status, Is.Not.EqualTo(NodeStatus.Folded));
        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 7200))
        {
            // Where c0 < 0, a is exactly b in float; the quantized a must stay within a step of it, not fall towards 0.
            var fp32 = OrtHarness.Run(model, sample, ["c0", "a"]);
            var dq = qdq.Graph.Node.Single(n => n.Name == "dw").Input[0];
            var int8 = OrtHarness.Run(qdq, sample, [dq]);
            var step = report.FindTensor("a")?.Scales[0] ?? report.FindTensor("c0")!.Scales[0] * S;
            for (var i = 0; i < fp32["c0"].Length; i++)
            {
                if (fp32["c0"][i] < 0f)
                {
                    Assert.That(int8[dq][i], Is.EqualTo(b).Within(step), $"a[{i}] where c0 < 0");
                }
            }
        }
    }

    [Test]
    public void NothingIsFoldedWhenTheAddIsKeptFloat()
    {
        var (qdq, report) = Quantize(Model(-0.5f), ["shift"]);

        Assert.That(report.FindNode("scale")!.Status, Is.Not.EqualTo(NodeStatus.Folded));
        Assert.That(report.FindNode("shift")!.Status, Is.EqualTo(NodeStatus.Excluded));
        Assert.That(qdq.Graph.Node.Count(n => n.Name == "shift"), Is.EqualTo(1));
        Assert.That(report.Warnings, Has.None.Contains("'shift'"), "the keep-float pattern matched");
    }

    [Test]
    public void NothingIsFoldedWhenTheReaderIsKeptFloat()
    {
        // The depthwise conv is kept float by the user, so a stays float: folding would put a quantizer on it anyway.
        var (qdq, report) = Quantize(Model(-0.5f), ["dw"]);

        Assert.That(report.FindNode("scale")!.Status, Is.Not.EqualTo(NodeStatus.Folded));
        Assert.That(report.FindNode("shift")!.Status, Is.Not.EqualTo(NodeStatus.Folded));
        Assert.That(qdq.Graph.Node.Single(n => n.Name == "dw").Input[0], Is.EqualTo("a"), "the kept conv reads the float sum");
    }

    [Test]
    public void AnOffsetUnderHalfAStepIsNotFolded()
    {
        // round(b/S) = 0: no scale near the range's makes b a whole number of steps, so the float Mul/Add stay.
        var (qdq, report) = Quantize(Model(1e-5f));

        Assert.That(report.FindNode("scale")!.Status, Is.EqualTo(NodeStatus.Inherits));
        Assert.That(report.FindNode("shift")!.Reason, Does.Contain("constant operand"));
        Assert.That(qdq.Graph.Node.Count(n => n.OpType == "Add"), Is.EqualTo(1));
    }

    // x [4, 16] → gemm0 → Relu → ·s → +b → a read by 'reader' (a MatMul or Gemm with a constant weight) → y.
    private static ModelProto AffineBeforeAMatrixProduct(Func<ModelBuilder, ModelBuilder> reader) =>
        reader(new ModelBuilder(13).Input("x", 4, 16)
            .Initializer("W0", ModelBuilder.Random(16 * 16, 1, 0.4f), 16, 16)
            .Initializer("W1", ModelBuilder.Random(16 * 8, 2, 0.5f), 16, 8)
            .Initializer("C1", ModelBuilder.Random(8, 3, 0.1f), 8)
            .Initializer("s", [S]).Initializer("b", [-0.5f])
            .Node("Gemm", "gemm0", ["x", "W0"], "c0")
            .Node("Relu", "relu", ["c0"], "r")
            .Node("Mul", "scale", ["r", "s"], "m")
            .Node("Add", "shift", ["m", "b"], "a"))
            .Output("y")
            .Build();

    [TestCase("MatMul", 1f, true, TestName = "An affine read by a MatMul with a constant weight is folded")]
    [TestCase("Gemm", 1f, true, TestName = "An affine read by a Gemm whose bias QGemm takes is folded")]
    [TestCase("Gemm", 0.5f, false, TestName = "An affine read by a Gemm with beta 0.5, which stays float, is not folded")]
    public void AMatrixProductReaderCountsAsItsOwnPlacementWouldTakeIt(string op, float beta, bool folded)
    {
        // The fold puts a quantizer on a: worth it only when the reader really takes a through a DQ (QGemm needs beta 1).
        var model = AffineBeforeAMatrixProduct(m => op == "MatMul"
            ? m.Node("MatMul", "reader", ["a", "W1"], "y")
            : m.Node("Gemm", "reader", ["a", "W1", "C1"], "y", ModelBuilder.Float("beta", beta)));
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [4, 16], 6, 300));
        var (qdq, report) = Quantize(model, ranges);

        Assert.That(report.FindNode("shift")!.Status == NodeStatus.Folded, Is.EqualTo(folded), report.FindNode("shift")!.Reason);
        Assert.That(qdq.Graph.Node.Any(n => n.Name == "shift"), Is.EqualTo(!folded));
        if (folded)
        {
            foreach (var sample in TensorRtQdqTests.Samples("x", [4, 16], 3, 7000))
            {
                Assert.That(OrtHarness.Cosine(OrtHarness.Run(model, sample)["y"], OrtHarness.Run(qdq, sample)["y"]), Is.GreaterThanOrEqualTo(0.99));
            }
        }
    }
}
