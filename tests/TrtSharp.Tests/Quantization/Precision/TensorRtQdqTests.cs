using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

public class TensorRtQdqTests
{
    // x[2,3,8,8] → Conv1(W1,B1) → Relu → r1 → Conv2(W2,B2) → c2 → Add(c2, r1) → y, opset 11.
    internal static ModelProto ResidualModel(long opset = 11) => new ModelBuilder(opset)
        .Input("x", 2, 3, 8, 8)
        .Initializer("W1", ModelBuilder.Random(8 * 3 * 3 * 3, 1, 0.5f), 8, 3, 3, 3)
        .Initializer("B1", ModelBuilder.Random(8, 2, 0.1f), 8)
        .Initializer("W2", ModelBuilder.Random(8 * 8 * 3 * 3, 3, 0.3f), 8, 8, 3, 3)
        .Initializer("B2", ModelBuilder.Random(8, 4, 0.1f), 8)
        .Node("Conv", "conv1", ["x", "W1", "B1"], "c1", ModelBuilder.Ints("pads", 1, 1, 1, 1))
        .Node("Relu", "relu1", ["c1"], "r1")
        .Node("Conv", "conv2", ["r1", "W2", "B2"], "c2", ModelBuilder.Ints("pads", 1, 1, 1, 1))
        .Node("Add", "add1", ["c2", "r1"], "y")
        .Output("y")
        .Build();

    internal static OrtHarness.Sample[] Samples(string input, long[] shape, int count, int seed)
    {
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        return [.. Enumerable.Range(0, count).Select(i => new OrtHarness.Sample(new() { [input] = (ModelBuilder.Random(n, seed + i), shape) }))];
    }

    [Test]
    public void ResidualConvModelGetsTheSpecifiedPlacement()
    {
        var model = ResidualModel();
        var samples = Samples("x", [2, 3, 8, 8], 4, 100);
        var amax = OrtHarness.Amax(OrtHarness.Ranges(model, samples));

        var (qdq, report) = QdqInserter.Insert(model, amax);
        qdq = OrtHarness.RoundTrip(qdq);

        // Activations: x (conv1 input), r1 (conv2 input and residual operand, one shared pair), c2 (residual operand).
        var quantizeInputs = GraphAssert.Nodes(qdq, "QuantizeLinear").Select(n => n.Input[0]).Order().ToArray();
        Assert.That(quantizeInputs, Is.EqualTo(new[] { "c2", "r1", "x" }));
        Assert.That(GraphAssert.Nodes(qdq, "DequantizeLinear").Count(), Is.EqualTo(5), "3 activation DQ + 2 weight DQ");

        // No Q/DQ on the graph output; the residual Add consumes both DQ outputs.
        Assert.That(GraphAssert.Producer(qdq, "y").OpType, Is.EqualTo("Add"));
        var add = GraphAssert.Producer(qdq, "y");
        Assert.That(add.Input.Select(i => GraphAssert.Producer(qdq, i).OpType), Is.All.EqualTo("DequantizeLinear"));

        // Relu follows conv1 without Q/DQ (inherits), biases untouched float.
        var relu = GraphAssert.Producer(qdq, "r1");
        Assert.That(relu.Input[0], Is.EqualTo("c1"));
        var conv2 = qdq.Graph.Node.Single(n => n.Name == "conv2");
        Assert.That(conv2.Input[2], Is.EqualTo("B2"));
        Assert.That(GraphAssert.Init(qdq, "B2").DataType, Is.EqualTo((int)TensorProto.Types.DataType.Float));

        // Activation scales are amax/127 in float32, zero points int8 0.
        foreach (var q in GraphAssert.Nodes(qdq, "QuantizeLinear"))
        {
            var scale = GraphAssert.Floats(qdq, q.Input[1]);
            Assert.That(scale, Is.EqualTo(new[] { amax[q.Input[0]] / 127f }), q.Input[0]);
            Assert.That(GraphAssert.Int8(qdq, q.Input[2]), Is.EqualTo(new sbyte[] { 0 }));
            Assert.That(GraphAssert.Init(qdq, q.Input[2]).Dims, Is.Empty, "per-tensor zero point is a scalar");
        }

        // Weights: int8 initializers, per-channel DQ on axis 0 with 8 scales, float originals gone.
        var conv1 = qdq.Graph.Node.Single(n => n.Name == "conv1");
        var w1dq = GraphAssert.Producer(qdq, conv1.Input[1]);
        Assert.That(w1dq.OpType, Is.EqualTo("DequantizeLinear"));
        Assert.That(GraphAssert.Axis(w1dq), Is.EqualTo(0));
        Assert.That(GraphAssert.Floats(qdq, w1dq.Input[1]), Has.Length.EqualTo(8));
        Assert.That(GraphAssert.Int8(qdq, w1dq.Input[2]), Is.EqualTo(new sbyte[8]));
        Assert.That(GraphAssert.Int8(qdq, w1dq.Input[0]), Has.Length.EqualTo(8 * 27));
        Assert.That(qdq.Graph.Initializer.Any(i => i.Name is "W1" or "W2"), Is.False);

        // Opset raised from 11 to 13, and the report says so.
        Assert.That(qdq.OpsetImport.Single(o => o.Domain.Length == 0).Version, Is.EqualTo(13));
        Assert.That(report.OriginalOpset, Is.EqualTo(11));
        Assert.That(report.Opset, Is.EqualTo(13));
        Assert.That(report.FindNode("conv1")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(report.FindNode("add1")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(report.FindNode("relu1")!.Status, Is.EqualTo(NodeStatus.Inherits));
        Assert.That(report.FindTensor("W2")!.Axis, Is.EqualTo(0));

        // Runs in ORT and stays close to FP32 on fresh data.
        foreach (var sample in Samples("x", [2, 3, 8, 8], 3, 900))
        {
            var fp32 = OrtHarness.Run(model, sample)["y"];
            var int8 = OrtHarness.Run(qdq, sample)["y"];
            Assert.That(OrtHarness.Cosine(fp32, int8), Is.GreaterThanOrEqualTo(0.99));
            Assert.That(int8, Is.Not.EqualTo(fp32), "the Q/DQ model must actually quantize");
        }
    }

    [Test]
    public void MatMulAndGemmWeightsArePerChannelOnTheOutputAxis()
    {
        var model = new ModelBuilder()
            .Input("x", 4, 16)
            .Initializer("Wm", ModelBuilder.Random(16 * 8, 7), 16, 8)
            .Initializer("Wg", ModelBuilder.Random(6 * 8, 8), 6, 8)
            .Initializer("Bg", ModelBuilder.Random(6, 9, 0.1f), 6)
            .Initializer("Wg2", ModelBuilder.Random(8 * 5, 10), 8, 5)
            .Node("MatMul", "mm", ["x", "Wm"], "m")
            .Node("Gemm", "gemm_t", ["m", "Wg", "Bg"], "g", ModelBuilder.Int("transB", 1))
            .Node("Gemm", "gemm_n", ["m", "Wg2"], "g2")
            .Output("g").Output("g2")
            .Build();
        var samples = Samples("x", [4, 16], 3, 20);
        var amax = OrtHarness.Amax(OrtHarness.Ranges(model, samples));

        var (qdq, report) = QdqInserter.Insert(model, amax);

        Assert.That(report.FindTensor("Wm")!.Axis, Is.EqualTo(1));
        Assert.That(report.FindTensor("Wm")!.Scales, Has.Count.EqualTo(8));
        Assert.That(report.FindTensor("Wg")!.Axis, Is.EqualTo(0), "Gemm transB=1: B is [N, K]");
        Assert.That(report.FindTensor("Wg")!.Scales, Has.Count.EqualTo(6));
        Assert.That(report.FindTensor("Wg2")!.Axis, Is.EqualTo(1), "Gemm transB=0: B is [K, N]");
        Assert.That(report.FindTensor("Wg2")!.Scales, Has.Count.EqualTo(5));
        // 'm' feeds two Gemms and gets one shared pair; graph outputs g/g2 get none.
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear").Select(n => n.Input[0]).Order(), Is.EqualTo(new[] { "m", "x" }));
        Assert.That(qdq.Graph.Output.Select(o => GraphAssert.Producer(qdq, o.Name).OpType), Is.All.EqualTo("Gemm"));

        foreach (var sample in Samples("x", [4, 16], 2, 500))
        {
            var fp32 = OrtHarness.Run(model, sample);
            var int8 = OrtHarness.Run(qdq, sample);
            Assert.That(OrtHarness.Cosine(fp32["g"], int8["g"]), Is.GreaterThanOrEqualTo(0.99));
            Assert.That(OrtHarness.Cosine(fp32["g2"], int8["g2"]), Is.GreaterThanOrEqualTo(0.99));
        }
    }

    [Test]
    public void PerTensorWeightsWhenPerChannelIsOff()
    {
        var model = ResidualModel();
        var amax = OrtHarness.Amax(OrtHarness.Ranges(model, Samples("x", [2, 3, 8, 8], 1, 3)));
        var (qdq, report) = QdqInserter.Insert(model, amax, new QdqOptions { PerChannelWeights = false });

        var w1 = report.FindTensor("W1")!;
        Assert.That(w1.Axis, Is.Null);
        Assert.That(w1.Scales, Has.Count.EqualTo(1));
        var expected = ModelBuilder.Random(8 * 3 * 3 * 3, 1, 0.5f).Max(MathF.Abs) / 127f;
        Assert.That(w1.Scales[0], Is.EqualTo(expected));
        var dq = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "conv1").Input[1]);
        Assert.That(GraphAssert.Axis(dq), Is.Null);
    }

    [Test]
    public void ExclusionByNameAndOpTypePatterns()
    {
        var model = ResidualModel();
        var amax = OrtHarness.Amax(OrtHarness.Ranges(model, Samples("x", [2, 3, 8, 8], 1, 3)));

        var (byName, nameReport) = QdqInserter.Insert(model, amax, new QdqOptions { ExcludeNodes = ["conv?"] });
        Assert.That(nameReport.FindNode("conv1")!.Status, Is.EqualTo(NodeStatus.Excluded));
        Assert.That(nameReport.FindNode("conv2")!.Status, Is.EqualTo(NodeStatus.Excluded));
        Assert.That(nameReport.FindNode("conv1")!.Reason, Does.Contain("conv?"));
        Assert.That(GraphAssert.Nodes(byName, "QuantizeLinear").Select(n => n.Input[0]).Order(), Is.EqualTo(new[] { "c2", "r1" }), "only the residual Add");
        Assert.That(nameReport.Warnings, Has.None.Contains("pattern"));

        var (byType, typeReport) = QdqInserter.Insert(model, amax, new QdqOptions { ExcludeOpTypes = ["Ad*"], ExcludeNodes = ["conv2", "no_such_*"] });
        Assert.That(typeReport.FindNode("add1")!.Status, Is.EqualTo(NodeStatus.Excluded));
        Assert.That(typeReport.FindNode("conv2")!.Status, Is.EqualTo(NodeStatus.Excluded));
        Assert.That(typeReport.FindNode("conv1")!.Status, Is.EqualTo(NodeStatus.Quantized));
        Assert.That(GraphAssert.Nodes(byType, "QuantizeLinear").Select(n => n.Input[0]), Is.EqualTo(new[] { "x" }));
        Assert.That(typeReport.Warnings, Has.Exactly(1).Contains("no_such_*").And.Contains("matched no node"));
        Assert.That(typeReport.Warnings.Count(w => w.Contains("pattern", StringComparison.Ordinal)), Is.EqualTo(1));

        // A pattern naming a non-quantizable op still matched something: no warning, and nothing changes for it.
        var (_, reluReport) = QdqInserter.Insert(model, amax, new QdqOptions { ExcludeOpTypes = ["Relu"] });
        Assert.That(reluReport.FindNode("relu1")!.Status, Is.EqualTo(NodeStatus.Excluded));
        Assert.That(reluReport.Warnings, Has.None.Contains("pattern"));
        Assert.That(reluReport.FindNode("conv2")!.Status, Is.EqualTo(NodeStatus.Quantized));
    }

    [Test]
    public void ZeroAmaxGetsTheDocumentedScaleAndAWarning()
    {
        var model = ResidualModel(13);
        var amax = OrtHarness.Amax(OrtHarness.Ranges(model, Samples("x", [2, 3, 8, 8], 1, 3)));
        amax["x"] = 0f;

        var (qdq, report) = QdqInserter.Insert(model, amax);

        var q = GraphAssert.Nodes(qdq, "QuantizeLinear").Single(n => n.Input[0] == "x");
        Assert.That(GraphAssert.Floats(qdq, q.Input[1]), Is.EqualTo(new[] { 1f / 127f }));
        Assert.That(QuantizationMath.ZeroAmaxScale, Is.EqualTo(1f / 127f));
        Assert.That(report.Warnings, Has.Exactly(1).Contains("'x'").And.Contains("amax 0"));
        Assert.That(report.OriginalOpset, Is.EqualTo(13));
        // Still a valid model: an all-zero input gives exactly the FP32 result of an all-zero input.
        var zeros = new OrtHarness.Sample(new() { ["x"] = (new float[2 * 3 * 8 * 8], new long[] { 2, 3, 8, 8 }) });
        var int8 = OrtHarness.Run(qdq, zeros)["y"];
        Assert.That(int8.All(float.IsFinite), Is.True);
    }

    [Test]
    public void MissingAmaxIsAClearError()
    {
        var model = ResidualModel();
        var amax = OrtHarness.Amax(OrtHarness.Ranges(model, Samples("x", [2, 3, 8, 8], 1, 3)));
        amax.Remove("r1");

        var ex = Assert.Throws<QuantizationException>(() => QdqInserter.Insert(model, amax))!;
        Assert.That(ex.TensorName, Is.EqualTo("r1"));
        Assert.That(ex.Message, Does.Contain("'r1'").And.Contain("no range"));

        amax["r1"] = float.NaN;
        Assert.That(() => QdqInserter.Insert(model, amax), Throws.TypeOf<QuantizationException>().With.Message.Contains("'r1'"));
        amax["r1"] = -1f;
        Assert.That(() => QdqInserter.Insert(model, amax), Throws.TypeOf<QuantizationException>().With.Message.Contains("'r1'"));
    }

    [Test]
    public void NonFloatTensorsAreSkippedWithANote()
    {
        var model = new ModelBuilder()
            .Input("a", TensorProto.Types.DataType.Int32, 2, 3)
            .Input("b", TensorProto.Types.DataType.Int32, 3, 2)
            .Node("MatMul", "int_mm", ["a", "b"], "c")
            .Output("c")
            .Build();

        var (qdq, report) = QdqInserter.Insert(model, new Dictionary<string, float>());

        Assert.That(report.FindNode("int_mm")!.Status, Is.EqualTo(NodeStatus.Skipped));
        Assert.That(report.FindNode("int_mm")!.Reason, Does.Contain("Int32").And.Contain("float32"));
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear"), Is.Empty);
    }

    [Test]
    public void OldOpsetsAreConvertedAndOnlyInexpressibleNodesRefused()
    {
        // Softmax changed meaning at 13: converted (the normalization tests check the numbers on ONNX Runtime).
        var softmax = new ModelBuilder(11).Input("x", 2, 4).Initializer("W", ModelBuilder.Random(16, 1), 4, 4)
            .Node("MatMul", "mm", ["x", "W"], "m").Node("Softmax", "sm", ["m"], "y").Output("y").Build();
        var (converted, report) = QdqInserter.Insert(softmax, new Dictionary<string, float> { ["x"] = 1f, ["m"] = 1f });
        Assert.That(converted.OpsetImport.Single(o => o.Domain.Length == 0).Version, Is.EqualTo(13));
        Assert.That(report.OriginalOpset, Is.EqualTo(11));
        Assert.That(report.Warnings, Has.Some.Contains("raised from 11 to 13").And.Some.Contains("1 nodes converted"));

        var ancient = new ModelBuilder(5).Input("x", 2, 4).Initializer("W", ModelBuilder.Random(16, 1), 4, 4)
            .Node("MatMul", "mm", ["x", "W"], "y").Output("y").Build();
        Assert.That(() => QdqInserter.Insert(ancient, new Dictionary<string, float> { ["x"] = 1f }),
            Throws.TypeOf<ModelFormatException>().With.Message.Contains("opset 5"));

        // Per-activation BatchNormalization has no later form: refused by node name.
        var bn = new ModelBuilder(7).Input("x", 2, 3).Initializer("s", [1f, 1f, 1f], 3).Initializer("b", [0f, 0f, 0f], 3)
            .Node("BatchNormalization", "bn", ["x", "s", "b", "s", "s"], "y", ModelBuilder.Int("spatial", 0)).Output("y").Build();
        Assert.That(() => QdqInserter.Insert(bn, new Dictionary<string, float> { ["x"] = 1f }),
            Throws.TypeOf<OpsetConversionException>().With.Message.Contains("'bn'").And.Message.Contains("spatial = 0"));

        // A model at opset 13 is left untouched.
        var fine = new ModelBuilder(13).Input("x", 2, 4).Initializer("W", ModelBuilder.Random(16, 1), 4, 4)
            .Node("MatMul", "mm", ["x", "W"], "m").Node("Softmax", "sm", ["m"], "y").Output("y").Build();
        var before = fine.Clone();
        QdqInserter.Insert(fine, new Dictionary<string, float> { ["x"] = 1f });
        Assert.That(fine, Is.EqualTo(before));
    }

    [Test]
    public void AlreadyQuantizedModelIsRefused()
    {
        var model = ResidualModel(13);
        var amax = OrtHarness.Amax(OrtHarness.Ranges(model, Samples("x", [2, 3, 8, 8], 1, 3)));
        var (qdq, _) = QdqInserter.Insert(model, amax);
        Assert.That(() => QdqInserter.Insert(qdq, amax), Throws.TypeOf<QuantizationException>().With.Message.Contains("already quantized"));
    }
}
