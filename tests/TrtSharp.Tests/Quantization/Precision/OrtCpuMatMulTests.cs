using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The ONNX Runtime CPU placement on an attention block and Gemm heads: what ORT's QDQ transformer fuses
/// (MatMulIntegerToFloat, QGemm) and what stays float (ConvTranspose: no CPU integer kernel).
/// </summary>
public class OrtCpuMatMulTests
{
    // x[1,6,8] → q, k, v projections → softmax(q·kᵀ)·v → Flatten → Gemm(bias) → Gemm(transB = 1).
    private static ModelProto AttentionModel()
    {
        var b = new ModelBuilder(13).Input("x", 1, 6, 8);
        foreach (var (w, seed) in new[] { ("Wq", 1), ("Wk", 2), ("Wv", 3) })
        {
            b.Initializer(w, ModelBuilder.Random(64, seed, 0.5f), 8, 8);
        }

        var wo = ModelBuilder.Random(8 * 4, 4, 0.5f);
        for (var k = 0; k < 8; k++)
        {
            wo[k * 4 + 3] *= 20f; // one output column much larger than the others: per-tensor would crush them.
        }

        return b.Initializer("Wo", wo, 8, 4)
            .Initializer("bo", ModelBuilder.Random(4, 5, 0.2f), 4)
            .Initializer("Wt", ModelBuilder.Random(12, 6, 0.5f), 3, 4)
            .Node("MatMul", "mm_q", ["x", "Wq"], "q")
            .Node("MatMul", "mm_k", ["x", "Wk"], "k")
            .Node("MatMul", "mm_v", ["x", "Wv"], "v")
            .Node("Transpose", "kt", ["k"], "kT", ModelBuilder.Ints("perm", 0, 2, 1))
            .Node("MatMul", "scores", ["q", "kT"], "s")
            .Node("Softmax", "softmax", ["s"], "p", ModelBuilder.Int("axis", -1))
            .Node("MatMul", "pv", ["p", "v"], "o")
            .Node("Flatten", "flat", ["o"], "o2", ModelBuilder.Int("axis", 2))
            .Node("Gemm", "head", ["o2", "Wo", "bo"], "y")
            .Node("Gemm", "head_t", ["y", "Wt"], "z", ModelBuilder.Int("transB", 1))
            .Output("z")
            .Build();
    }

    [Test]
    public void AttentionAndGemmAreQuantizedOnTheirInputsAndFusedByOrt()
    {
        var model = AttentionModel();
        var samples = TensorRtQdqTests.Samples("x", [1, 6, 8], 6, 300);
        var ranges = OrtHarness.Ranges(model, samples);
        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu });
        qdq = OrtHarness.RoundTrip(qdq);

        foreach (var name in new[] { "mm_q", "mm_k", "mm_v", "scores", "pv", "head", "head_t" })
        {
            Assert.That(report.FindNode(name)!.Status, Is.EqualTo(NodeStatus.Quantized), name);
        }

        // Inputs only, one pair per tensor (x is shared by three projections), uint8 activations; outputs stay float.
        var quantized = GraphAssert.Nodes(qdq, "QuantizeLinear").Select(n => n.Input[0]).Order().ToArray();
        Assert.That(quantized, Is.EqualTo(new[] { "kT", "o2", "p", "q", "v", "x", "y" }));
        foreach (var q in GraphAssert.Nodes(qdq, "QuantizeLinear"))
        {
            Assert.That(GraphAssert.Init(qdq, q.Input[2]).DataType, Is.EqualTo((int)TensorProto.Types.DataType.Uint8), q.Input[0]);
        }

        // Constant B [K, N]: int8, one scale per column N; Gemm's transposed B [N, K]: one scale (ORT's per-column is for [K, N]).
        var wq = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "mm_q").Input[1]);
        Assert.That(GraphAssert.Axis(wq), Is.EqualTo(1));
        Assert.That(GraphAssert.Floats(qdq, wq.Input[1]), Has.Length.EqualTo(8));
        Assert.That(GraphAssert.Init(qdq, wq.Input[0]).DataType, Is.EqualTo((int)TensorProto.Types.DataType.Int8));
        var wt = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "head_t").Input[1]);
        Assert.That(GraphAssert.Init(qdq, wt.Input[1]).Dims, Is.Empty);

        // Gemm bias: int32, scale A_scale × B_scale[n].
        var wo = report.FindTensor("Wo")!;
        var bo = report.FindTensor("bo")!;
        Assert.That(wo.Axis, Is.EqualTo(1));
        Assert.That(bo.ElementType, Is.EqualTo((int)TensorProto.Types.DataType.Int32));
        Assert.That(bo.Scales, Is.EqualTo(wo.Scales.Select(s => report.FindTensor("o2")!.Scales[0] * s).ToArray()));

        // ORT turns every group into an integer kernel: no float MatMul/Gemm is left.
        var optimized = OrtCpuQdqTests.OptimizedOps(qdq);
        Assert.That(optimized, Does.Contain("MatMulIntegerToFloat"));
        Assert.That(optimized, Does.Contain("QGemm"));
        Assert.That(optimized, Has.None.EqualTo("MatMul").And.None.EqualTo("Gemm"), string.Join(", ", optimized));

        foreach (var sample in TensorRtQdqTests.Samples("x", [1, 6, 8], 4, 7000))
        {
            var fp32 = OrtHarness.Run(model, sample)["z"];
            var int8 = OrtHarness.Run(qdq, sample)["z"];
            Assert.That(OrtHarness.Cosine(fp32, int8), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [Test]
    public void ConvTransposeStaysFloatWithTheReason()
    {
        var model = new ModelBuilder()
            .Input("x", 1, 4, 5, 5)
            .Initializer("W", ModelBuilder.Random(4 * 6 * 9, 9, 0.5f), 4, 6, 3, 3)
            .Node("ConvTranspose", "up", ["x", "W"], "y", ModelBuilder.Ints("strides", 2, 2))
            .Output("y")
            .Build();
        var ranges = OrtHarness.Ranges(model, TensorRtQdqTests.Samples("x", [1, 4, 5, 5], 2, 300));
        var (qdq, report) = QdqInserter.Insert(model, ranges, new QdqOptions { Profile = QdqProfile.OrtCpu });

        Assert.That(report.FindNode("up")!.Status, Is.EqualTo(NodeStatus.Inherits));
        Assert.That(report.FindNode("up")!.Reason, Does.Contain("no Q/DQ around ConvTranspose"));
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear"), Is.Empty);
        Assert.That(qdq.Graph.Node.Single(n => n.Name == "up").Input[1], Is.EqualTo("W"));
    }
}
