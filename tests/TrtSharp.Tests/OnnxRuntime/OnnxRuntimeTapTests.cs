using TrtSharp.Errors;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

public class OnnxRuntimeTapTests
{
    private static OnnxRuntimeOptions WithTaps(params string[] taps)
    {
        var options = new OnnxRuntimeOptions();
        foreach (string t in taps)
        {
            options.Taps.Add(t);
        }
        return options;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Tap_ReluOutput_EqualsMaxOfXAndZero(bool withValueInfo)
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul(withValueInfo), WithTaps("r"));
        Assert.That(session.Outputs.Select(o => o.Name), Is.EqualTo(new[] { "y", "r" }));
        Assert.That(session.TapNames, Is.EqualTo(new[] { "r" }));
        Assert.That(session.Outputs[1].ElementType, Is.EqualTo(TensorElementType.Float));

        float[] x = OrtTestData.Random(12, 42, 3f);
        var result = session.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([3, 4], x) });
        float[] relu = x.Select(v => MathF.Max(v, 0)).ToArray();
        Assert.That(((HostTensor<float>)result["r"]).Data, Is.EqualTo(relu));
        Assert.That(((HostTensor<float>)result["r"]).ShapeArray(), Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(((HostTensor<float>)result["y"]).Data, Is.EqualTo(relu.Select(v => 2 * v).ToArray()));
    }

    [Test]
    public void Tap_ThroughBinding_AllocationFree()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul(), WithTaps("r"));
        using OnnxRuntimeBinding binding = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [2, 4] });
        float[] x = [-1, 2, -3, 4, 5, -6, 7, -8];
        x.CopyTo(binding.Input<float>("x").Data, 0);
        binding.Run();
        for (int i = 0; i < 20; i++)
        {
            binding.Run();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            binding.Run();
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(binding.Output<float>("r").Data, Is.EqualTo(new float[] { 0, 2, 0, 4, 5, 0, 7, 0 }));
        Assert.That(binding.Output<float>("r").ShapeArray(), Is.EqualTo(new long[] { 2, 4 }));
    }

    [Test]
    public void Tap_UnknownName_ListsNodeOutputs()
    {
        var ex = Assert.Throws<TensorNotFoundException>(() => OnnxRuntimeSession.FromModel(TestModels.ReluMul(), WithTaps("relu_out")));
        Assert.That(ex!.TensorName, Is.EqualTo("relu_out"));
        Assert.That(ex.Message, Does.Contain("available: r, y"));
    }

    [Test]
    public void Tap_ExistingOutputOrDuplicate_IsNotAddedTwice()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul(), WithTaps("y", "r", "r"));
        Assert.That(session.Outputs.Select(o => o.Name), Is.EqualTo(new[] { "y", "r" }));
    }

    [Test]
    public void TapAllFloatingPoint_SkipsIntegerTensors()
    {
        var options = new OnnxRuntimeOptions { TapAllFloatingPoint = true };
        using var session = OnnxRuntimeSession.FromModel(TestModels.WithIntegerIntermediate(), options);
        // "s" (int64 Shape output) is a node output but not floating-point; "count" and "y" are outputs already.
        Assert.That(session.Outputs.Select(o => o.Name), Is.EqualTo(new[] { "y", "count", "r" }));
        var result = session.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([3], [-1, 0.5f, 2]) });
        Assert.That(((HostTensor<float>)result["r"]).Data, Is.EqualTo(new[] { 0f, 0.5f, 2f }));
        Assert.That(((HostTensor<float>)result["y"]).Data, Is.EqualTo(new[] { -0f, -0.5f, -2f }));
    }

    [Test]
    public void TapAllFloatingPoint_OnARealConvModel_KeepsFinalOutput()
    {
        string dir = OrtTestData.Case("pytorch-converted/test_Softmin");
        var (inputs, outputs) = OrtTestData.LoadSet(dir);
        string path = Path.Combine(dir, "model.onnx");
        IReadOnlyList<string> candidates = OnnxRuntimeSession.ListTapCandidates(path);
        using var session = OnnxRuntimeSession.FromFile(path, new OnnxRuntimeOptions { TapAllFloatingPoint = true });
        Assert.That(session.TapNames, Is.SubsetOf(candidates));
        Assert.That(session.TapNames, Is.Not.Empty, "Softmin is Neg then Softmax: the Neg output is a floating-point tap");
        Assert.That(session.Outputs, Has.Count.EqualTo(1 + session.TapNames.Count));
        var result = session.Run(new Dictionary<string, HostTensor> { [session.Inputs[0].Name] = inputs[0].Tensor });
        OrtTestData.AssertClose(outputs[0].Tensor, result[session.Outputs[0].Name], "final output with taps");
    }

    [Test]
    public void ListCandidates_AllAndFloatingOnly()
    {
        var withInfo = TestModels.ReluMul(withValueInfo: true);
        Assert.That(OnnxTaps.ListCandidates(withInfo), Is.EqualTo(new[] { "r" }));
        Assert.That(OnnxTaps.ListCandidates(withInfo, floatingPointOnly: true), Is.EqualTo(new[] { "r" }));
        // Without value_info the file alone cannot tell the type of "r".
        Assert.That(OnnxTaps.ListCandidates(TestModels.ReluMul(), floatingPointOnly: true), Is.Empty);
        Assert.That(OnnxTaps.ListCandidates(TestModels.WithIntegerIntermediate()), Is.EqualTo(new[] { "r", "s" }));
    }

    [Test]
    public void AddTaps_CopiesKnownElementType()
    {
        var model = TestModels.ReluMul(withValueInfo: true);
        IReadOnlyList<string> added = OnnxTaps.AddTaps(model, ["r"]);
        Assert.That(added, Is.EqualTo(new[] { "r" }));
        var output = model.Graph.Output.Last();
        Assert.That(output.Name, Is.EqualTo("r"));
        Assert.That(output.Type.TensorType.ElemType, Is.EqualTo((int)TensorElementType.Float));
        Assert.That(output.Type.TensorType.Shape, Is.Null);
    }
}
