using TrtSharp.Onnx.Protobuf;
using TrtSharp.Errors;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>ONNX Runtime's own exception type never leaves a session: a failed run is an <see cref="OnnxRuntimeFailureException"/>.</summary>
[TestFixture]
public class OnnxRuntimeFailureTests
{
    /// <summary>y = a + b with independent dynamic lengths: shapes that do not broadcast fail only inside ONNX Runtime.</summary>
    private static ModelProto AddOfTwoLengths()
    {
        var graph = new GraphProto { Name = "add" };
        graph.Input.Add(TestModels.Value("a", TensorElementType.Float, "n"));
        graph.Input.Add(TestModels.Value("b", TensorElementType.Float, "m"));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, "k"));
        graph.Node.Add(TestModels.Node("Add", ["a", "b"], ["y"]));
        return TestModels.Model(graph);
    }

    [Test]
    public void AFailedRunIsWrappedWithTheOriginalInside()
    {
        using var session = OnnxRuntimeSession.FromModel(AddOfTwoLengths());
        var inputs = new Dictionary<string, HostTensor> { ["a"] = new HostTensor<float>(3), ["b"] = new HostTensor<float>(4) };
        var ex = Assert.Throws<OnnxRuntimeFailureException>(() => session.Run(inputs))!;
        Assert.That(ex.InnerException, Is.TypeOf<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>());
        Assert.That(ex.Message, Does.StartWith("ONNX Runtime failed to run"));

        using var binding = session.CreateBinding(new Dictionary<string, long[]> { ["a"] = [3], ["b"] = [4] });
        Assert.Throws<OnnxRuntimeFailureException>(() => binding.Run());
    }
}
