using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// Placement rules for what exported models contain (issue 9 item 4): weights behind layout ops, shared weights,
/// MatMul of two activations, ConvTranspose, recurrent layers kept float. Each model is small and built here; the
/// quantized result must run in ONNX Runtime close to float32.
/// </summary>
public class RealModelPlacementTests
{
    private static OrtHarness.Sample[] Samples(string input, long[] shape) => TensorRtQdqTests.Samples(input, shape, 4, 300);

    private static (ModelProto Qdq, QdqReport Report) Quantize(ModelProto model, OrtHarness.Sample[] samples, QdqProfile profile)
    {
        var ranges = OrtHarness.Ranges(model, samples);
        var (qdq, report) = profile == QdqProfile.TensorRt
            ? QdqInserter.Insert(model, OrtHarness.Amax(ranges))
            : QdqInserter.Insert(model, ranges, new QdqOptions { Profile = profile, KeepFirstAndLastConvInFloat = false });
        return (OrtHarness.RoundTrip(qdq), report);
    }

    private static void AssertCloseToFloat(ModelProto model, ModelProto qdq, OrtHarness.Sample[] samples, string output, double minCosine)
    {
        foreach (var sample in samples)
        {
            var reference = OrtHarness.Run(model, sample)[output];
            var quantized = OrtHarness.Run(qdq, sample)[output];
            Assert.That(OrtHarness.Cosine(reference, quantized), Is.GreaterThan(minCosine), output);
        }
    }

    [Test]
    public void TrtQuantizesAMatMulWeightStoredTransposedAndKeepsTheTranspose()
    {
        // W is stored [N=6, K=8] and transposed to [K, N] for MatMul: per-channel must follow the output columns, i.e. axis 0 of W.
        var w = ModelBuilder.Random(6 * 8, 7, 0.5f);
        for (var k = 0; k < 8; k++)
        {
            w[5 * 8 + k] *= 20f; // one output column much larger than the rest: per-tensor would crush the others.
        }

        var model = new ModelBuilder()
            .Input("x", 2, 8)
            .Initializer("W", w, 6, 8)
            .Node("Transpose", "wt", ["W"], "Wt", ModelBuilder.Ints("perm", 1, 0))
            .Node("MatMul", "mm", ["x", "Wt"], "y")
            .Output("y")
            .Build();
        var samples = Samples("x", [2, 8]);
        var (qdq, report) = Quantize(model, samples, QdqProfile.TensorRt);

        var transpose = GraphAssert.Producer(qdq, "Wt");
        Assert.That(transpose.OpType, Is.EqualTo("Transpose"));
        var dq = GraphAssert.Producer(qdq, transpose.Input[0]);
        Assert.That(dq.OpType, Is.EqualTo("DequantizeLinear"));
        Assert.That(GraphAssert.Axis(dq), Is.EqualTo(0), "output column n of Wt is row n of the stored W");
        Assert.That(GraphAssert.Floats(qdq, dq.Input[1]), Has.Length.EqualTo(6));
        Assert.That(qdq.Graph.Initializer.Any(i => i.Name == "W"), Is.False, "the float weight is replaced by its int8 copy");
        Assert.That(report.FindTensor("W")!.Note, Does.Contain("behind Transpose"));
        Assert.That(GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "mm").Input[0]).OpType, Is.EqualTo("DequantizeLinear"));
        AssertCloseToFloat(model, qdq, samples, "y", 0.999);
    }

    [Test]
    public void TrtQuantizesAConvWeightBehindIdentityAndReshape()
    {
        var model = new ModelBuilder()
            .Input("x", 1, 3, 6, 6)
            .Initializer("Wflat", ModelBuilder.Random(4 * 27, 11, 0.5f), 4, 27)
            .Initializer("shape", [4, 3, 3, 3], 4)
            .Node("Identity", "id", ["Wflat"], "Wid")
            .Build();
        // Reshape needs an int64 shape: rebuild that initializer by hand.
        var shape = new TensorProto { Name = "shape", DataType = (int)TensorProto.Types.DataType.Int64 };
        shape.Dims.Add(4);
        shape.Int64Data.AddRange([4, 3, 3, 3]);
        model.Graph.Initializer[1] = shape;
        model.Graph.Node.Add(Node("Reshape", "rs", ["Wid", "shape"], "W"));
        model.Graph.Node.Add(Node("Conv", "conv", ["x", "W"], "y"));
        model.Graph.Output.Add(new ValueInfoProto { Name = "y" });
        var samples = Samples("x", [1, 3, 6, 6]);
        var (qdq, report) = Quantize(model, samples, QdqProfile.TensorRt);

        var identity = qdq.Graph.Node.Single(n => n.Name == "id");
        var dq = GraphAssert.Producer(qdq, identity.Input[0]);
        Assert.That(dq.OpType, Is.EqualTo("DequantizeLinear"));
        Assert.That(GraphAssert.Axis(dq), Is.Null, "a Reshape does not map the output-channel axis one to one: per-tensor");
        Assert.That(report.FindTensor("Wflat")!.Note, Does.Contain("Identity→Reshape"));
        Assert.That(report.FindNode("conv")!.Status, Is.EqualTo(NodeStatus.Quantized));
        AssertCloseToFloat(model, qdq, samples, "y", 0.999);
    }

    [Test]
    public void TrtQuantizesAWeightInAConstantNodeSharedByTwoLayersOnce()
    {
        var value = new TensorProto { Name = "W", DataType = (int)TensorProto.Types.DataType.Float };
        value.Dims.AddRange([8, 8]);
        value.FloatData.AddRange(ModelBuilder.Random(64, 5, 0.4f));
        var model = new ModelBuilder()
            .Input("x", 2, 8)
            .Node("MatMul", "mm1", ["x", "W"], "h")
            .Node("Relu", "relu", ["h"], "r")
            .Node("MatMul", "mm2", ["r", "W"], "y")
            .Output("y")
            .Build();
        var constant = Node("Constant", "wconst", [], "W");
        constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        model.Graph.Node.Insert(0, constant);
        var samples = Samples("x", [2, 8]);
        var (qdq, _) = Quantize(model, samples, QdqProfile.TensorRt);

        var weightDq = GraphAssert.Nodes(qdq, "DequantizeLinear").Where(n => GraphAssert.Axis(n) == 1).ToList();
        Assert.That(weightDq, Has.Count.EqualTo(1), "one int8 copy and one DQ serve both layers");
        var mm1 = qdq.Graph.Node.Single(n => n.Name == "mm1");
        var mm2 = qdq.Graph.Node.Single(n => n.Name == "mm2");
        Assert.That(mm1.Input[1], Is.EqualTo(weightDq[0].Output[0]));
        Assert.That(mm2.Input[1], Is.EqualTo(weightDq[0].Output[0]));
        AssertCloseToFloat(model, qdq, samples, "y", 0.999);
    }

    [Test]
    public void TrtQuantizesBothActivationInputsOfAttentionMatMuls()
    {
        // scores = Softmax(q·kᵀ) then scores·v: every MatMul operand is a runtime tensor.
        var model = new ModelBuilder()
            .Input("q", 1, 4, 8)
            .Input("k", 1, 4, 8)
            .Input("v", 1, 4, 8)
            .Node("Transpose", "kt", ["k"], "kT", ModelBuilder.Ints("perm", 0, 2, 1))
            .Node("MatMul", "qk", ["q", "kT"], "s")
            .Node("Softmax", "sm", ["s"], "p", ModelBuilder.Int("axis", -1))
            .Node("MatMul", "pv", ["p", "v"], "y")
            .Output("y")
            .Build();
        var shape = new long[] { 1, 4, 8 };
        var samples = Enumerable.Range(0, 4).Select(i => new OrtHarness.Sample(new()
        {
            ["q"] = (ModelBuilder.Random(32, 10 + i), shape),
            ["k"] = (ModelBuilder.Random(32, 20 + i), shape),
            ["v"] = (ModelBuilder.Random(32, 30 + i), shape),
        })).ToArray();
        var (qdq, report) = Quantize(model, samples, QdqProfile.TensorRt);

        foreach (var name in new[] { "qk", "pv" })
        {
            var mm = qdq.Graph.Node.Single(n => n.Name == name);
            Assert.That(mm.Input.Select(i => GraphAssert.Producer(qdq, i).OpType), Is.All.EqualTo("DequantizeLinear"), name);
            Assert.That(report.FindNode(name)!.Status, Is.EqualTo(NodeStatus.Quantized));
        }

        AssertCloseToFloat(model, qdq, samples, "y", 0.998);
    }

    [Test]
    public void TrtQuantizesConvTransposeWeightsPerOutputChannelOnAxis1()
    {
        var model = new ModelBuilder()
            .Input("x", 1, 4, 5, 5)
            .Initializer("W", ModelBuilder.Random(4 * 6 * 3 * 3, 9, 0.5f), 4, 6, 3, 3)
            .Node("ConvTranspose", "up", ["x", "W"], "y", ModelBuilder.Ints("strides", 2, 2))
            .Output("y")
            .Build();
        var samples = Samples("x", [1, 4, 5, 5]);
        var (qdq, _) = Quantize(model, samples, QdqProfile.TensorRt);

        var dq = GraphAssert.Producer(qdq, qdq.Graph.Node.Single(n => n.Name == "up").Input[1]);
        Assert.That(GraphAssert.Axis(dq), Is.EqualTo(1), "ConvTranspose weight is [C_in, C_out/group, k, k]");
        Assert.That(GraphAssert.Floats(qdq, dq.Input[1]), Has.Length.EqualTo(6));
        AssertCloseToFloat(model, qdq, samples, "y", 0.999);
    }

    [TestCase(QdqProfile.TensorRt)]
    [TestCase(QdqProfile.OrtCpu)]
    public void RecurrentLayersStayFloatAndAreReported(QdqProfile profile)
    {
        // x[seq=5, batch=1, 4] → LSTM(hidden 3) → Y[5,1,1,3] → Reshape → Conv1x1 over the time axis.
        const int hidden = 3, input = 4;
        var model = new ModelBuilder()
            .Input("x", 5, 1, input)
            .Initializer("Wl", ModelBuilder.Random(4 * hidden * input, 1, 0.5f), 1, 4 * hidden, input)
            .Initializer("Rl", ModelBuilder.Random(4 * hidden * hidden, 2, 0.5f), 1, 4 * hidden, hidden)
            .Node("LSTM", "lstm", ["x", "Wl", "Rl"], "Y", ModelBuilder.Int("hidden_size", hidden))
            .Output("Y")
            .Build();
        var samples = Samples("x", [5, 1, input]);
        var (qdq, report) = Quantize(model, samples, profile);

        var decision = report.FindNode("lstm")!;
        Assert.That(decision.Status, Is.EqualTo(NodeStatus.Skipped));
        Assert.That(decision.Reason, Does.Contain("recurrent layer (LSTM) kept float"));
        Assert.That(report.Warnings, Has.Some.Contains("'lstm'"));
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear"), Is.Empty);
        Assert.That(qdq.Graph.Node.Single(n => n.Name == "lstm").Input[1], Is.EqualTo("Wl"), "the recurrent weights stay float");
        AssertCloseToFloat(model, qdq, samples, "Y", 0.999999);
    }

    [Test]
    public void TrtPutsOneQdqAfterConcatResizeAndMaxPoolWhereTheNextLayerReadsThem()
    {
        // Two branches → Concat → Resize(×2) → MaxPool → Conv: TensorRT commutes Q backward across MaxPool, Resize and
        // Concat itself, so the one pair at the Conv input is the shared scale of every Concat input.
        var model = new ModelBuilder()
            .Input("x", 1, 3, 6, 6)
            .Initializer("Wa", ModelBuilder.Random(4 * 27, 21, 0.5f), 4, 3, 3, 3)
            .Initializer("Wb", ModelBuilder.Random(4 * 27, 22, 0.5f), 4, 3, 3, 3)
            .Initializer("Wc", ModelBuilder.Random(5 * 8 * 9, 23, 0.3f), 5, 8, 3, 3)
            .Initializer("scales", [1f, 1f, 2f, 2f], 4)
            .Node("Conv", "a", ["x", "Wa"], "ya", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Conv", "b", ["x", "Wb"], "yb", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Concat", "cat", ["ya", "yb"], "cat_out", ModelBuilder.Int("axis", 1))
            .Node("Resize", "up", ["cat_out", "", "scales"], "up_out")
            .Node("MaxPool", "pool", ["up_out"], "pool_out", ModelBuilder.Ints("kernel_shape", 2, 2), ModelBuilder.Ints("strides", 2, 2))
            .Node("Conv", "c", ["pool_out", "Wc"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y")
            .Build();
        var samples = Samples("x", [1, 3, 6, 6]);
        var (qdq, report) = Quantize(model, samples, QdqProfile.TensorRt);

        var quantized = GraphAssert.Nodes(qdq, "QuantizeLinear").Select(q => q.Input[0]).Order().ToArray();
        Assert.That(quantized, Is.EqualTo(new[] { "pool_out", "x" }), "no pair on the Concat inputs, the Resize or the MaxPool");
        Assert.That(qdq.Graph.Node.Single(n => n.Name == "cat").Input, Is.EqualTo(new[] { "ya", "yb" }));
        foreach (var name in new[] { "cat", "up", "pool" })
        {
            Assert.That(report.FindNode(name)!.Status, Is.EqualTo(NodeStatus.Inherits), name);
        }

        AssertCloseToFloat(model, qdq, samples, "y", 0.999);
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
