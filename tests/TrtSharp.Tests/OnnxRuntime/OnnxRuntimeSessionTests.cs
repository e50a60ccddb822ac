using TrtSharp.Inference;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

public class OnnxRuntimeSessionTests
{
    private static readonly string[] Cases =
    [
        "node/test_add",
        "node/test_relu",
        "node/test_conv_with_strides_padding",
        "node/test_matmul_2d",
        "node/test_softmax_example",
        "node/test_cast_FLOAT_to_DOUBLE",
        "node/test_and2d",
        "node/test_argmax_default_axis_example",
        "pytorch-converted/test_Conv2d",
        "pytorch-converted/test_Linear_no_bias",
        "pytorch-converted/test_MaxPool2d",
        "pytorch-converted/test_Softmin",
        "pytorch-operator/test_operator_chunk",
        "pytorch-operator/test_operator_conv",
    ];

    [TestCaseSource(nameof(Cases))]
    public void Run_MatchesTheBackendTestReference(string relative)
    {
        string dir = OrtTestData.Case(relative);
        var (inputs, outputs) = OrtTestData.LoadSet(dir);
        using var session = OnnxRuntimeSession.FromFile(Path.Combine(dir, "model.onnx"));
        Assert.That(session.Inputs, Has.Count.EqualTo(inputs.Count));
        // The backend-test convention: data files follow the model's input/output order.
        var feed = new Dictionary<string, HostTensor>();
        for (int i = 0; i < inputs.Count; i++)
        {
            feed[session.Inputs[i].Name] = inputs[i].Tensor;
        }
        IReadOnlyDictionary<string, HostTensor> result = session.Run(feed);
        Assert.That(result, Has.Count.EqualTo(outputs.Count));
        for (int i = 0; i < outputs.Count; i++)
        {
            OrtTestData.AssertClose(outputs[i].Tensor, result[session.Outputs[i].Name], $"{relative} output {i}");
        }
    }

    [Test]
    public void Descriptors_KeepTypesFixedDimsAndSymbols()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        Assert.Multiple(() =>
        {
            Assert.That(session.Backend, Is.EqualTo(InferenceBackend.OnnxRuntime));
            Assert.That(session.Device, Is.EqualTo("CPUExecutionProvider"));
            Assert.That(session.Inputs, Has.Count.EqualTo(1));
            Assert.That(session.Inputs[0].Name, Is.EqualTo("x"));
            Assert.That(session.Inputs[0].ElementType, Is.EqualTo(TensorElementType.Float));
            Assert.That(session.Inputs[0].Shape, Is.EqualTo(new long[] { -1, 4 }));
            Assert.That(session.Inputs[0].SymbolicDimensions, Is.EqualTo(new string?[] { "batch", null }));
            Assert.That(session.Outputs.Select(o => o.ToString()), Is.EqualTo(new[] { "y: float[batch, 4]" }));
        });

        using var add = OnnxRuntimeSession.FromFile(Path.Combine(OrtTestData.Case("node/test_add"), "model.onnx"));
        Assert.That(add.Inputs.Select(i => i.ToString()), Is.EqualTo(new[] { "x: float[3, 4, 5]", "y: float[3, 4, 5]" }));
        Assert.That(add.Inputs[0].IsDynamic, Is.False);
    }

    [Test]
    public void Run_DynamicBatch_ComputesEachBatchSize()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul());
        foreach (int batch in new[] { 1, 3, 7 })
        {
            float[] x = OrtTestData.Random(batch * 4, batch);
            var result = session.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([batch, 4], x) });
            var y = (HostTensor<float>)result["y"];
            Assert.That(y.ShapeArray(), Is.EqualTo(new long[] { batch, 4 }));
            Assert.That(y.Data, Is.EqualTo(x.Select(v => 2 * MathF.Max(v, 0)).ToArray()));
        }
    }

    [Test]
    public void Run_SelectedOutputsOnly()
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.WithIntegerIntermediate());
        var x = new HostTensor<float>([5], [1, -2, 3, -4, 5]);
        var result = session.Run(new Dictionary<string, HostTensor> { ["x"] = x }, ["count"]);
        Assert.That(result.Keys, Is.EqualTo(new[] { "count" }));
        Assert.That(((HostTensor<float>)result["count"]).Data, Is.EqualTo(new[] { 5f }));
    }

    private static readonly TensorElementType[] IdentityTypes =
    [
        TensorElementType.Float, TensorElementType.Double, TensorElementType.Int8, TensorElementType.UInt8,
        TensorElementType.Int16, TensorElementType.UInt16, TensorElementType.Int32, TensorElementType.UInt32,
        TensorElementType.Int64, TensorElementType.UInt64, TensorElementType.Bool, TensorElementType.Float16,
        TensorElementType.BFloat16, TensorElementType.String,
    ];

    [TestCaseSource(nameof(IdentityTypes))]
    public void Run_RoundTripsEveryElementType(TensorElementType type)
    {
        using var session = OnnxRuntimeSession.FromModel(TestModels.Identity(type));
        HostTensor x = Filled(type, [2, 3]);
        var result = session.Run(new Dictionary<string, HostTensor> { ["x"] = x });
        HostTensor y = result["y"];
        Assert.That(y.ElementType, Is.EqualTo(type));
        Assert.That(y.ShapeArray(), Is.EqualTo(new long[] { 2, 3 }));
        if (type == TensorElementType.String)
        {
            Assert.That(((StringTensor)y).Data, Is.EqualTo(((StringTensor)x).Data));
        }
        else
        {
            Assert.That(y.AsBytes().ToArray(), Is.EqualTo(x.AsBytes().ToArray()));
        }
    }

    [TestCaseSource(nameof(IdentityTypes))]
    public void Binding_RoundTripsEveryNumericElementType(TensorElementType type)
    {
        if (type == TensorElementType.String)
        {
            using var s = OnnxRuntimeSession.FromModel(TestModels.Identity(type));
            Assert.Throws<TrtSharp.Errors.UnsupportedDataTypeException>(() => s.CreateBinding(new Dictionary<string, long[]> { ["x"] = [2, 3] }));
            return;
        }
        using var session = OnnxRuntimeSession.FromModel(TestModels.Identity(type));
        using var binding = session.CreateBinding(new Dictionary<string, long[]> { ["x"] = [2, 3] });
        HostTensor x = Filled(type, [2, 3]);
        x.AsBytes().CopyTo(binding.Input("x").AsBytes());
        binding.Run();
        Assert.That(binding.Output("y").AsBytes().ToArray(), Is.EqualTo(x.AsBytes().ToArray()));
    }

    [Test]
    public void Options_OptimizedModelPathAndOptimizationLevels()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trtsharp-ort-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string optimized = Path.Combine(dir, "optimized.onnx");
            var options = new OnnxRuntimeOptions
            {
                OptimizedModelPath = optimized,
                GraphOptimization = OnnxRuntimeGraphOptimization.Basic,
                IntraOpThreads = 1,
                InterOpThreads = 1,
                AllowSpinning = false,
                LogSeverity = OnnxRuntimeLogSeverity.Error,
            };
            using (var session = OnnxRuntimeSession.FromModel(TestModels.ReluMul(), options))
            {
                var y = (HostTensor<float>)session.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([1, 4], [-1, 2, -3, 4]) })["y"];
                Assert.That(y.Data, Is.EqualTo(new[] { 0f, 4, 0, 8 }));
            }
            Assert.That(new FileInfo(optimized).Length, Is.GreaterThan(0));
            Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { optimized }), "written through a temporary file, renamed into place");
            // The optimized file is a model ONNX Runtime loads again, with optimizations off.
            using var reloaded = OnnxRuntimeSession.FromFile(optimized, new OnnxRuntimeOptions { GraphOptimization = OnnxRuntimeGraphOptimization.Disabled });
            var y2 = (HostTensor<float>)reloaded.Run(new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([1, 4], [5, -6, 7, -8]) })["y"];
            Assert.That(y2.Data, Is.EqualTo(new[] { 10f, 0, 14, 0 }));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void FromBytes_SameAsFromFile()
    {
        string path = Path.Combine(OrtTestData.Case("node/test_relu"), "model.onnx");
        using var session = OnnxRuntimeSession.FromBytes(File.ReadAllBytes(path));
        Assert.That(session.ModelPath, Is.Null);
        Assert.That(session.Inputs.Select(i => i.ToString()), Is.EqualTo(new[] { "x: float[3, 4, 5]" }));
    }

    internal static HostTensor Filled(TensorElementType type, long[] shape)
    {
        HostTensor t = HostTensor.Allocate(type, shape);
        if (t is StringTensor s)
        {
            for (int i = 0; i < s.Data.Length; i++)
            {
                s.Data[i] = $"s{i}-é";
            }
            return t;
        }
        Span<byte> bytes = t.AsBytes();
        int size = TensorElementTypeInfo.ElementSize(type);
        for (int i = 0; i < bytes.Length; i++)
        {
            // Bool must stay 0/1; for wider types vary the low byte of each element only.
            bytes[i] = type == TensorElementType.Bool ? (byte)(i % 2) : (i % size == 0 ? (byte)(17 * (i / size) + 3) : (byte)0);
        }
        return t;
    }
}
