using TrtSharp.Inference;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

public class OnnxRuntimeBindingTests
{
    [Test]
    public void Binding_MatchesReference_AndAllocatesNothingInSteadyState()
    {
        string dir = OrtTestData.Case("pytorch-converted/test_Conv2d");
        var (inputs, outputs) = OrtTestData.LoadSet(dir);
        using var session = OnnxRuntimeSession.FromFile(Path.Combine(dir, "model.onnx"), new OnnxRuntimeOptions { IntraOpThreads = 1 });
        using OnnxRuntimeBinding binding = session.CreateBinding(new Dictionary<string, long[]> { [session.Inputs[0].Name] = inputs[0].Tensor.ShapeArray() });
        Assert.That(binding.HasPendingOutputShapes, Is.False);
        inputs[0].Tensor.AsBytes().CopyTo(binding.Input(session.Inputs[0].Name).AsBytes());
        HostTensor output = binding.Output(session.Outputs[0].Name);

        for (int i = 0; i < 30; i++)
        {
            binding.Run();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 300; i++)
        {
            binding.Run();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero, "steady-state Run must not allocate");
        Assert.That(binding.Output(session.Outputs[0].Name), Is.SameAs(output), "outputs are written in place");
        OrtTestData.AssertClose(outputs[0].Tensor, output, "Conv2d via binding");
    }

    [Test]
    public void Binding_DynamicBatch_SymbolicOutputShapeResolvedFromInputs()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        foreach (long batch in new long[] { 2, 5 })
        {
            using OnnxRuntimeBinding binding = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [batch, 4] });
            Assert.That(binding.HasPendingOutputShapes, Is.False);
            Assert.That(binding.Output("y").ShapeArray(), Is.EqualTo(new long[] { batch, 4 }));
            float[] x = OrtTestData.Random((int)batch * 4, (int)batch);
            x.CopyTo(binding.Input<float>("x").Data, 0);
            binding.Run();
            Assert.That(binding.Output<float>("y").Data, Is.EqualTo(x.Select(v => 2 * MathF.Max(v, 0)).ToArray()));
            // New data in the same buffers: the next run sees it.
            binding.Input<float>("x").Span.Fill(-1f);
            binding.Run();
            Assert.That(binding.Output<float>("y").Data, Is.All.EqualTo(0f));
        }
    }

    [Test]
    public void Binding_TapShapesAreInferredBeforeTheFirstRun()
    {
        // The speech CNN's taps carry no shapes in the file: ONNX Runtime's shape inference with the binding's input
        // shapes gives them, so every buffer exists (and stays) from CreateBinding on.
        string model = TrtSharp.Tests.Tools.Models.InstalledSpeechModels.Require().Embedding;
        using var session = OnnxRuntimeSession.FromFile(model, new OnnxRuntimeOptions { TapAllFloatingPoint = true, IntraOpThreads = 1 });
        var shapes = new Dictionary<string, long[]> { ["input_1"] = [2, 76, 32, 1] };
        var input = new float[2 * 76 * 32];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = MathF.Sin(i * 0.01f) * 3f;
        }
        using OnnxRuntimeBinding binding = session.CreateBinding(shapes);
        Assert.That(binding.HasPendingOutputShapes, Is.False);
        var before = session.TapNames.ToDictionary(t => t, binding.Output);
        input.CopyTo(binding.Input<float>("input_1").Data, 0);
        binding.Run();
        var reference = session.Run(new Dictionary<string, HostTensor> { ["input_1"] = new HostTensor<float>([2, 76, 32, 1], input) });
        foreach (string tap in session.TapNames)
        {
            Assert.That(binding.Output(tap), Is.SameAs(before[tap]), $"{tap}: the buffer bound at CreateBinding is the one written");
            Assert.That(binding.Output(tap).ShapeArray(), Is.EqualTo(reference[tap].ShapeArray()), tap);
            Assert.That(binding.Output<float>(tap).Data, Is.EqualTo(((HostTensor<float>)reference[tap]).Data), tap);
        }
    }

    [Test]
    public void Binding_LearnedShapesThatDoNotFitTheData_AreLearnedAgain()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.NonZero());
        using OnnxRuntimeBinding first = session.CreateBinding();
        new float[] { 0, 3, 0, 5, 6, 0 }.CopyTo(first.Input<float>("x").Data, 0);
        first.Run();
        Assert.That(first.Output("idx").ShapeArray(), Is.EqualTo(new long[] { 1, 3 }));

        using OnnxRuntimeBinding second = session.CreateBinding();
        Assert.That(second.HasPendingOutputShapes, Is.True, "bound with the shape the first binding saw, not yet confirmed");
        new float[] { 0, 0, 7, 0, 0, 1 }.CopyTo(second.Input<float>("x").Data, 0);
        second.Run();

        Assert.That(second.Output("idx").ShapeArray(), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(second.Output<long>("idx").Data, Is.EqualTo(new long[] { 2, 5 }));
    }

    [Test]
    public void Binding_DataDependentOutput_LearnedOnFirstRun_ThenAllocationFree()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.NonZero());
        using OnnxRuntimeBinding binding = session.CreateBinding();
        Assert.That(binding.HasPendingOutputShapes, Is.True);
        Assert.Throws<InvalidOperationException>(() => binding.Output("idx"));

        float[] x = [0, 3, 0, 5, 6, 0];
        x.CopyTo(binding.Input<float>("x").Data, 0);
        binding.Run();
        Assert.That(binding.HasPendingOutputShapes, Is.False);
        Assert.That(binding.Output("idx").ShapeArray(), Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(binding.Output<long>("idx").Data, Is.EqualTo(new long[] { 1, 3, 4 }));

        // Same count of non-zeros, other places: bound in place now, no allocation.
        float[] x2 = [1, 0, 2, 0, 0, 9];
        x2.CopyTo(binding.Input<float>("x").Data, 0);
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
        Assert.That(binding.Output<long>("idx").Data, Is.EqualTo(new long[] { 0, 2, 5 }));
    }

    [Test]
    public void Binding_FixedShapeModel_NeedsNoShapes()
    {
        string dir = OrtTestData.Case("node/test_add");
        var (inputs, outputs) = OrtTestData.LoadSet(dir);
        using var session = OnnxRuntimeSession.FromFile(Path.Combine(dir, "model.onnx"));
        using IInferenceBinding binding = ((IInferenceSession)session).CreateBinding();
        inputs[0].Tensor.AsBytes().CopyTo(binding.Input("x").AsBytes());
        inputs[1].Tensor.AsBytes().CopyTo(binding.Input("y").AsBytes());
        binding.Run();
        OrtTestData.AssertClose(outputs[0].Tensor, binding.Output("sum"), "Add via binding");
    }

    [Test]
    public void Dispose_SessionReleasesItsBindings()
    {
        var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        OnnxRuntimeBinding binding = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [1, 4] });
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => binding.Run());
        Assert.Throws<ObjectDisposedException>(() => binding.Input("x"));
        binding.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.CreateBinding());
        Assert.Throws<ObjectDisposedException>(() => session.Run(new Dictionary<string, HostTensor>()));
    }

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
