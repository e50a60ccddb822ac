using System.Text.Json;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.Cli;

[TestFixture]
public class InspectAndRunCommandTests
{
    private const string Conv = "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding";
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-cli-run").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void InspectListsIoOpsAndWeights()
    {
        var run = CliRun.Of("inspect", $"{Conv}/model.onnx", "--json", "-");
        run.AssertExit(0);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "x: float[1, 1, 7, 5]", "W: float[1, 1, 3, 3]" }));
        Assert.That(root.GetProperty("outputs")[0].GetString(), Is.EqualTo("y: float[1, 1, 4, 3]"));
        Assert.That(root.GetProperty("ops").GetProperty("Conv").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("initializer_bytes").GetInt64(), Is.Zero);
    }

    [Test]
    public void InspectCountsWeightsHeldInConstantNodes()
    {
        // x[1,4] + Constant w (4 floats) → a; a · Constant k (value_floats, 4 floats) → y: 32 bytes of weights, none in initializers.
        var graph = new GraphProto { Name = "constants" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, 4));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, 1, 4));
        var w = new TensorProto { Name = "w", DataType = (int)TensorElementType.Float };
        w.Dims.Add(4);
        w.FloatData.Add([1f, 2f, 3f, 4f]);
        NodeProto wNode = TestModels.Node("Constant", [], ["w"]);
        wNode.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = w });
        NodeProto kNode = TestModels.Node("Constant", [], ["k"]);
        var k = new AttributeProto { Name = "value_floats", Type = AttributeProto.Types.AttributeType.Floats };
        k.Floats.Add([0.5f, 0.5f, 0.5f, 0.5f]);
        kNode.Attribute.Add(k);
        graph.Node.Add(wNode);
        graph.Node.Add(kNode);
        graph.Node.Add(TestModels.Node("Add", ["x", "w"], ["a"]));
        graph.Node.Add(TestModels.Node("Mul", ["a", "k"], ["y"]));
        string path = CliModels.Save(_dir, "constants.onnx", TestModels.Model(graph));

        var json = CliRun.Of("inspect", path, "--json", "-");
        json.AssertExit(0);
        using var doc = JsonDocument.Parse(json.Out);
        var root = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("initializer_bytes").GetInt64(), Is.Zero);
            Assert.That(root.GetProperty("constant_nodes").GetInt32(), Is.EqualTo(2));
            Assert.That(root.GetProperty("constant_node_bytes").GetInt64(), Is.EqualTo(32));
            Assert.That(root.GetProperty("weight_bytes").GetInt64(), Is.EqualTo(32));
            Assert.That(root.GetProperty("parameters").GetInt64(), Is.EqualTo(8));
        });
        var text = CliRun.Of("inspect", path);
        text.AssertExit(0);
        Assert.That(text.Out, Does.Contain("0 initializers, 8 parameters, 32 bytes of weights (32 of them in 2 Constant nodes)"));
    }

    [Test]
    public void RunWithTheReferenceInputsSavesTheReferenceOutput()
    {
        var run = CliRun.Of("run", $"{Conv}/model.onnx", "--data", $"{Conv}/test_data_set_0", "--output-dir", _dir);
        run.AssertExit(0);
        var saved = (TrtSharp.Tensors.HostTensor<float>)NpyFile.Read(Path.Combine(_dir, "y.npy"));
        var expected = (TrtSharp.Tensors.HostTensor<float>)TrtSharp.Onnx.TensorProtoFile.Read($"{Conv}/test_data_set_0/output_0.pb").Tensor;
        Assert.That(saved.Shape.ToArray(), Is.EqualTo(expected.Shape.ToArray()));
        Assert.That(saved.Data, Is.EqualTo(expected.Data).Within(1e-5f));
        Assert.That(run.Out, Does.Contain("input_0.pb"));
    }

    [Test]
    public void RandomInputsAreSeeded()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        CliRun.Of("run", $"{Conv}/model.onnx", "--seed", "7", "--output-dir", a).AssertExit(0);
        CliRun.Of("run", $"{Conv}/model.onnx", "--seed", "7", "--output-dir", b).AssertExit(0);
        Assert.That(File.ReadAllBytes(Path.Combine(a, "y.npy")), Is.EqualTo(File.ReadAllBytes(Path.Combine(b, "y.npy"))));
    }

    [Test]
    public void BadInputsAreOneLine()
    {
        string notOnnx = Path.Combine(_dir, "text.onnx");
        File.WriteAllText(notOnnx, "hello, not a model");
        CliRun.Of("inspect", notOnnx).AssertOneLineError(notOnnx);
        CliRun.Of("run", $"{Conv}/model.onnx", "--input", $"nosuch={Conv}/test_data_set_0/input_0.pb").AssertOneLineError("nosuch");
        CliRun.Of("run", Path.Combine(_dir, "missing.onnx")).AssertOneLineError("missing.onnx");
        CliRun.Of("inspect", Path.Combine(_dir, "model.plan")).AssertOneLineError("TensorRT");
    }
}
