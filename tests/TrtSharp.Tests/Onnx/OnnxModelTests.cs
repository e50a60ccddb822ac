using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Onnx;

[TestFixture]
public class OnnxModelTests
{
    private const string Data = "/usr/share/libonnx-testdata/data";

    private static string TestModel(string relative)
    {
        string path = Path.Combine(Data, relative, "model.onnx");
        if (!File.Exists(path))
        {
            Assert.Ignore("libonnx-testdata is not installed");
        }
        return path;
    }

    [Test]
    public void NodeTestModelHasKnownInputsOutputsAndConvAttributes()
    {
        // Facts cross-checked with `protoc --decode_raw` on the file.
        var model = OnnxModel.Load(TestModel("node/test_conv_with_strides_padding"));
        Assert.Multiple(() =>
        {
            Assert.That(model.IrVersion, Is.EqualTo(6));
            Assert.That(model.ProducerName, Is.EqualTo("backend-test"));
            Assert.That(model.OpsetImports[""], Is.EqualTo(11));
            Assert.That(model.Graph.Inputs.Select(i => i.ToDescriptor().ToString()), Is.EqualTo(new[] { "x: float[1, 1, 7, 5]", "W: float[1, 1, 3, 3]" }));
            Assert.That(model.Graph.Outputs.Single().ToDescriptor().Shape, Is.EqualTo(new long[] { 1, 1, 4, 3 }));
            var conv = model.Graph.Nodes.Single();
            Assert.That(conv.OpType, Is.EqualTo("Conv"));
            Assert.That(conv.Inputs, Is.EqualTo(new[] { "x", "W" }));
            Assert.That(conv.Attribute("strides")!.Value, Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(conv.Attribute("pads")!.Value, Is.EqualTo(new long[] { 1, 1, 1, 1 }));
            Assert.That(model.Graph.GetProducer("y"), Is.SameAs(conv));
            Assert.That(model.Graph.GetConsumers("W"), Is.EqualTo(new[] { conv }));
        });
    }

    [Test]
    public void PytorchIr3ModelListsOnlyRealInputsAndReadsInitializers()
    {
        var model = OnnxModel.Load(TestModel("pytorch-converted/test_Conv2d"));
        var g = model.Graph;
        Assert.Multiple(() =>
        {
            Assert.That(model.IrVersion, Is.EqualTo(3));
            Assert.That(model.ProducerName, Is.EqualTo("pytorch"));
            Assert.That(model.ProducerVersion, Is.EqualTo("0.3"));
            Assert.That(g.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "0" }), "IR 3 lists weights as inputs; they are not caller inputs");
            Assert.That(g.Inputs[0].ToDescriptor().Shape, Is.EqualTo(new long[] { 2, 3, 7, 5 }));
            Assert.That(g.OverridableInitializers, Is.Empty);
            Assert.That(g.Initializers.Select(i => i.ToString()), Is.EqualTo(new[] { "1: float[4, 3, 3, 2] (288 B)", "2: float[4] (16 B)" }));
            Assert.That(g.InitializerBytes, Is.EqualTo(304));
        });
        var w = (HostTensor<float>)model.GetInitializer("1");
        Assert.That(w.Data[0], Is.EqualTo(-0.1429409235715866f), "first raw bytes 1b 5f 12 be, decoded independently");
        Assert.Throws<TensorNotFoundException>(() => model.GetInitializer("nope"));
    }

    [Test]
    public void OpHistogramTopologicalOrderAndLookupsOnPixelShuffle()
    {
        var g = OnnxModel.Load(TestModel("pytorch-converted/test_PixelShuffle")).Graph;
        Assert.That(g.OpHistogram(), Is.EqualTo(new[]
        {
            new KeyValuePair<string, int>("Constant", 2),
            new KeyValuePair<string, int>("Reshape", 2),
            new KeyValuePair<string, int>("Transpose", 1),
        }));
        var order = g.TopologicalOrder();
        var position = order.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        foreach (var node in g.Nodes)
        {
            foreach (string input in node.Inputs)
            {
                if (g.GetProducer(input) is { } producer)
                {
                    Assert.That(position[producer], Is.LessThan(position[node]), $"{producer} must precede {node}");
                }
            }
        }
        Assert.That(g.GetProducer("5")!.OpType, Is.EqualTo("Reshape"));
        Assert.That(g.GetConsumers("0").Select(n => n.OpType), Is.EqualTo(new[] { "Reshape" }));
        Assert.That(g.GetProducer("0"), Is.Null);
    }

    [Test]
    public void TopologicalOrderSortsShuffledNodesAndReportsCycles()
    {
        var proto = TestModels.Chain(3);
        // Reverse the chain: c = Relu(b), b = Relu(a), a = Relu(x).
        var nodes = proto.Graph.Node.Reverse().ToList();
        proto.Graph.Node.Clear();
        proto.Graph.Node.Add(nodes);
        var g = OnnxModel.FromProto(proto).Graph;
        Assert.That(g.TopologicalOrder().Select(n => n.Name), Is.EqualTo(new[] { "n0", "n1", "n2" }));

        var cyclic = TestModels.Chain(3);
        cyclic.Graph.Node[0].Input[0] = "t2"; // n0 now reads n2's output
        var e = Assert.Throws<ModelFormatException>(() => OnnxModel.FromProto(cyclic).Graph.TopologicalOrder());
        Assert.That(e!.Message, Does.Contain("cycle").And.Contain("'n0'"));
    }

    [Test]
    public void SymbolicDimensionsBecomeMinusOneWithNames()
    {
        var proto = TestModels.Chain(1);
        var dims = proto.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[0].DimParam = "batch";
        dims[1].ClearValue();
        var d = OnnxModel.FromProto(proto).Graph.Inputs[0].ToDescriptor();
        Assert.That(d.Shape, Is.EqualTo(new long[] { -1, -1 }));
        Assert.That(d.SymbolicDimensions, Is.EqualTo(new string?[] { "batch", null }));
        Assert.That(d.ToString(), Is.EqualTo("x: float[batch, ?]"));
        var back = OnnxTypes.ToDescriptor(OnnxTypes.ToValueInfo(d));
        Assert.That(back.SymbolicDimensions, Is.EqualTo(d.SymbolicDimensions));
    }

    [Test]
    public void LoadFromStreamAndToBytesRoundTrip()
    {
        string path = TestModel("pytorch-converted/test_Conv2d");
        byte[] original = File.ReadAllBytes(path);
        using var stream = new MemoryStream(original);
        var model = OnnxModel.Load(stream, Path.GetDirectoryName(path));
        var again = OnnxModel.Load(model.ToBytes());
        Assert.That(again.Proto, Is.EqualTo(model.Proto));
        Assert.That(again.Graph.Nodes.Single().OpType, Is.EqualTo("Conv"));
    }
}
