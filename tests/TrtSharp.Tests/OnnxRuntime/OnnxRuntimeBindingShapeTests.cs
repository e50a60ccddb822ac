using TrtSharp.Inference;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>Output buffers exist right after CreateBinding whenever the input shapes decide the output shapes.</summary>
public sealed class OnnxRuntimeBindingShapeTests
{
    /// <summary>x[n, 4] → Concat(x, x, axis 0) → y declared as [?, 4]: 2n is not named after any input dimension.</summary>
    private static ModelProto ConcatWithUnnamedOutputDim(bool declareOutputShape)
    {
        var graph = new GraphProto { Name = "concat" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, "n", 4));
        graph.Output.Add(declareOutputShape
            ? TestModels.Value("y", TensorElementType.Float, null, 4)
            : new ValueInfoProto { Name = "y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorElementType.Float } } });
        var concat = TestModels.Node("Concat", ["x", "x"], ["y"]);
        concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(concat);
        return TestModels.Model(graph);
    }

    [Test]
    public void StaticOutputShapesAreBoundAtOnce()
    {
        var graph = new GraphProto { Name = "static" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 2, 3));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, 2, 3));
        graph.Node.Add(TestModels.Node("Neg", ["x"], ["y"]));
        using var session = OnnxRuntimeSession.FromModel(TestModels.Model(graph));
        using OnnxRuntimeBinding binding = session.CreateBinding();
        Assert.That(binding.HasPendingOutputShapes, Is.False);
        Assert.That(binding.Output("y").ShapeArray(), Is.EqualTo(new long[] { 2, 3 }));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void DynamicButInferableOutputShapesAreBoundBeforeTheFirstRun(bool declareOutputShape)
    {
        using var session = OnnxRuntimeSession.FromModel(ConcatWithUnnamedOutputDim(declareOutputShape));
        foreach (long n in new long[] { 3, 5 })
        {
            using OnnxRuntimeBinding binding = session.CreateBinding(new() { ["x"] = [n, 4] });
            Assert.That(binding.HasPendingOutputShapes, Is.False);
            HostTensor<float> y = binding.Output<float>("y");
            Assert.That(y.ShapeArray(), Is.EqualTo(new long[] { 2 * n, 4 }));
            float[] x = OrtTestData.Random((int)n * 4, (int)n);
            x.CopyTo(binding.Input<float>("x").Data, 0);
            binding.Run();
            Assert.That(binding.Output("y"), Is.SameAs(y), "the run writes into the buffer bound at CreateBinding");
            Assert.That(y.Data, Is.EqualTo(x.Concat(x).ToArray()));
        }
    }

    [Test]
    public void TargetTypedNewDictionariesAreAcceptedByEveryCreateBinding()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        using OnnxRuntimeBinding concrete = session.CreateBinding(new() { ["x"] = [3, 4] });
        IInferenceSession neutral = session;
        using IInferenceBinding viaInterface = neutral.CreateBinding(new() { ["x"] = [2, 4] });
        using var constant = OnnxRuntimeSession.FromModel(ConstantModel());
        using IInferenceBinding none = ((IInferenceSession)constant).CreateBinding();
        Assert.That(concrete.Output("y").ShapeArray(), Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(viaInterface.Output("y").ShapeArray(), Is.EqualTo(new long[] { 2, 4 }));
        Assert.That(none.Output("y").ShapeArray(), Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void DataDependentShapesStillWaitForTheFirstRun()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.NonZero());
        using OnnxRuntimeBinding binding = session.CreateBinding();
        Assert.That(binding.HasPendingOutputShapes, Is.True);
        Assert.Throws<InvalidOperationException>(() => binding.Output("idx"));
    }

    private static ModelProto ConstantModel()
    {
        var graph = new GraphProto { Name = "constant" };
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, 1));
        var value = TestModels.Scalar("v", 1f);
        value.Dims.Add(1);
        var node = TestModels.Node("Constant", [], ["y"]);
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        graph.Node.Add(node);
        return TestModels.Model(graph);
    }
}
