using TrtSharp.Errors;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

public class OnnxRuntimeBadInputTests
{
    private OnnxRuntimeSession _session = null!;

    [OneTimeSetUp]
    public void Load() => _session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());

    [OneTimeTearDown]
    public void Unload() => _session.Dispose();

    private static Dictionary<string, HostTensor> Feed(string name, HostTensor t) => new() { [name] = t };

    [Test]
    public void MissingInput_NamesIt()
    {
        var ex = Assert.Throws<TensorShapeException>(() => _session.Run(new Dictionary<string, HostTensor>()));
        Assert.That(ex!.TensorName, Is.EqualTo("x"));
        Assert.That(ex.Message, Does.Contain("not given"));
    }

    [Test]
    public void UnknownInputName_ListsAvailable()
    {
        var ex = Assert.Throws<TensorNotFoundException>(() => _session.Run(new Dictionary<string, HostTensor>
        {
            ["x"] = new HostTensor<float>(1, 4),
            ["nope"] = new HostTensor<float>(1, 4),
        }));
        Assert.That(ex!.TensorName, Is.EqualTo("nope"));
        Assert.That(ex.Message, Does.Contain("available: x"));
    }

    [Test]
    public void UnknownOutputName_ListsAvailable()
    {
        var ex = Assert.Throws<TensorNotFoundException>(() => _session.Run(Feed("x", new HostTensor<float>(1, 4)), ["z"]));
        Assert.That(ex!.Message, Does.Contain("available: y"));
    }

    [Test]
    public void WrongElementType_SaysExpectedAndGot()
    {
        var ex = Assert.Throws<TensorShapeException>(() => _session.Run(Feed("x", new HostTensor<double>(1, 4))));
        Assert.That(ex!.TensorName, Is.EqualTo("x"));
        Assert.That(ex.Message, Does.Contain("expected element type float, got double"));
    }

    [Test]
    public void WrongRank_SaysExpectedAndGot()
    {
        var ex = Assert.Throws<TensorShapeException>(() => _session.Run(Feed("x", new HostTensor<float>(4))));
        Assert.That(ex!.Message, Does.Contain("expected rank 2 x: float[batch, 4], got rank 1 [4]"));
    }

    [Test]
    public void FixedDimensionMismatch_SaysWhichDimension()
    {
        var ex = Assert.Throws<TensorShapeException>(() => _session.Run(Feed("x", new HostTensor<float>(2, 5))));
        Assert.That(ex!.Message, Does.Contain("got [2, 5] (dimension 1 must be 4)"));
    }

    [Test]
    public void CreateBinding_DynamicInputWithoutShape()
    {
        var ex = Assert.Throws<TensorShapeException>(() => _session.CreateBinding());
        Assert.That(ex!.Message, Does.Contain("dynamic dimensions; give its shape to CreateBinding"));
    }

    [Test]
    public void CreateBinding_UnknownNameAndBadShape()
    {
        Assert.Throws<TensorNotFoundException>(() => _session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4], ["q"] = [1] }));
        Assert.Throws<TensorShapeException>(() => _session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 3] }));
        Assert.Throws<TensorShapeException>(() => _session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [-2, 4] }));
    }

    [Test]
    public void Binding_UnknownBufferName()
    {
        using var binding = _session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] });
        Assert.Throws<TensorNotFoundException>(() => binding.Input("y"));
        Assert.Throws<TensorNotFoundException>(() => binding.Output("x"));
        // The same kind of mistake as a wrong element type given to Run: one exception type for both.
        var ex = Assert.Throws<TensorShapeException>(() => binding.Input<double>("x"))!;
        Assert.That(ex.TensorName, Is.EqualTo("x"));
        Assert.Throws<TensorShapeException>(() => binding.Output<double>("y"));
    }

    [Test]
    public void MissingFile_IsModelFormatException()
    {
        var ex = Assert.Throws<ModelFormatException>(() => OnnxRuntimeSession.FromFile("/nonexistent/model.onnx"));
        Assert.That(ex!.FilePath, Is.EqualTo("/nonexistent/model.onnx"));
    }

    [Test]
    public void GarbageBytes_AreModelFormatException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"trtsharp-garbage-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, "this is not an onnx model at all"u8.ToArray());
        try
        {
            var ex = Assert.Throws<ModelFormatException>(() => OnnxRuntimeSession.FromFile(path));
            Assert.That(ex!.FilePath, Is.EqualTo(path));
            // Through the taps path the protobuf parser sees it first.
            var options = new OnnxRuntimeOptions();
            options.Taps.Add("r");
            Assert.Throws<ModelFormatException>(() => OnnxRuntimeSession.FromFile(path, options));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void InvalidGraph_IsModelFormatException()
    {
        var model = TestModels.ReluMul();
        model.Graph.Node[0].OpType = "NoSuchOperator";
        var ex = Assert.Throws<ModelFormatException>(() => OnnxRuntimeSession.FromModel(model));
        Assert.That(ex!.Message, Does.Contain("NoSuchOperator"));
    }
}
