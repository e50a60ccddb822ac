using TrtSharp.Cuda;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.Tensors;
using TrtSharp.Tests.Interop;
using TrtSharp.Tools.Models;
using Context = TrtSharp.TensorRT.TensorRtContext;

namespace TrtSharp.Tests.TensorRT;

/// <summary>Real TensorRT on a real GPU: engines built from ONNX test models, compared with reference data and ONNX Runtime.</summary>
[TestFixture]
[Category("Gpu")]
public class TensorRtGpuTests
{
    private const string Node = "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding";
    private const string Conv2d = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d";

    [SetUp]
    public void SetUp()
    {
        NativeShimFixture.RequireTensorRt();
    }

    private static Dictionary<string, HostTensor> Inputs(string dir, Context session)
    {
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        for (int i = 0; i < session.Inputs.Count; i++)
        {
            result[session.Inputs[i].Name] = TensorProtoFile.Read(Path.Combine(dir, "test_data_set_0", $"input_{i}.pb")).Tensor;
        }
        return result;
    }

    private static float[] F(HostTensor t) => ((HostTensor<float>)t).Data;

    [TestCase(Node)]
    [TestCase(Conv2d)]
    public void ConvMatchesReferenceAndOnnxRuntime(string dir)
    {
        string model = Path.Combine(dir, "model.onnx");
        using var engine = EngineBuilder.Build(model, new BuilderOptions());
        using var context = engine.CreateContext();
        var inputs = Inputs(dir, context);
        var outputs = context.Run(inputs);
        var expected = TensorProtoFile.Read(Path.Combine(dir, "test_data_set_0", "output_0.pb")).Tensor;
        using var ort = OnnxRuntimeSession.FromFile(model);
        var ortOut = ort.Run(inputs);
        var actual = outputs[context.Outputs[0].Name];
        Assert.That(actual.ShapeArray(), Is.EqualTo(expected.ShapeArray()));
        // TF32 may be used for convolutions on Ampere+: allow its ~1e-3 relative error.
        Assert.That(F(actual), Is.EqualTo(F(expected)).Within(2e-3).Percent.Or.EqualTo(F(expected)).Within(2e-3));
        Assert.That(F(actual), Is.EqualTo(F(ortOut[ort.Outputs[0].Name])).Within(2e-3));
    }

    [Test]
    public void BindingOutputsExistRightAfterCreateBindingForShapesTheInputsDecide()
    {
        // x[n, 4] → Concat(x, x) → y[?, 4]: TensorRT's getTensorShape gives 2n once the input shape is set.
        var graph = new TrtSharp.Onnx.Protobuf.GraphProto { Name = "concat" };
        graph.Input.Add(TrtSharp.Tests.OnnxRuntime.TestModels.Value("x", TensorElementType.Float, "n", 4));
        graph.Output.Add(TrtSharp.Tests.OnnxRuntime.TestModels.Value("y", TensorElementType.Float, null, 4));
        var concat = TrtSharp.Tests.OnnxRuntime.TestModels.Node("Concat", ["x", "x"], ["y"]);
        concat.Attribute.Add(new TrtSharp.Onnx.Protobuf.AttributeProto { Name = "axis", Type = TrtSharp.Onnx.Protobuf.AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(concat);
        string dir = Directory.CreateTempSubdirectory("trtsharp-concat-").FullName;
        try
        {
            string model = Path.Combine(dir, "concat.onnx");
            File.WriteAllBytes(model, Google.Protobuf.MessageExtensions.ToByteArray(TrtSharp.Tests.OnnxRuntime.TestModels.Model(graph)));
            using var engine = EngineBuilder.Build(model, new BuilderOptions().WithProfiles("x:1x4/4x4/8x4"));
            using var context = engine.CreateContext();
            using TensorRtBinding binding = context.CreateBinding(new() { ["x"] = [3, 4] });
            Assert.That(binding.HasDataDependentOutputs, Is.False);
            var y = (HostTensor<float>)binding.Output("y");
            Assert.That(y.ShapeArray(), Is.EqualTo(new long[] { 6, 4 }));
            float[] x = Enumerable.Range(0, 12).Select(i => i * 0.5f - 2f).ToArray();
            x.CopyTo(((HostTensor<float>)binding.Input("x")).Data, 0);
            binding.Run();
            Assert.That(binding.Output("y"), Is.SameAs(y));
            Assert.That(y.Data, Is.EqualTo(x.Concat(x).ToArray()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void EmbeddingModelWithDynamicBatchMatchesOnnxRuntime()
    {
        string model = DefaultModels.EnsureInstalled().Embedding;
        using var ort = OnnxRuntimeSession.FromFile(model);
        string input = ort.Inputs[0].Name;
        // TF32 off: with it, FP32 convolutions carry ~1e-3 relative error, which on outputs near ±50 is no tolerance at all.
        var options = new BuilderOptions { Tf32 = false }.WithProfiles($"{input}:1x76x32x1/8x76x32x1/32x76x32x1");
        using var engine = EngineBuilder.Build(model, options);
        var tensor = engine.Inputs.Single();
        Assert.That(tensor.Shape[0], Is.EqualTo(-1));
        Assert.That(tensor.Profiles[0].Max, Is.EqualTo(new long[] { 32, 76, 32, 1 }));
        using var context = engine.CreateContext();
        var random = new Random(7);
        foreach (int batch in new[] { 1, 5, 32 })
        {
            var data = new float[batch * 76 * 32];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)random.NextDouble() * 4 - 2;
            }
            var inputs = new Dictionary<string, HostTensor> { [input] = new HostTensor<float>([batch, 76, 32, 1], data) };
            var trt = F(context.Run(inputs)[context.Outputs[0].Name]);
            var reference = F(ort.Run(inputs)[ort.Outputs[0].Name]);
            Assert.That(trt, Has.Length.EqualTo(batch * 96));
            // Relative to the output's scale (values reach ±50): max error within 1e-4 of the largest magnitude.
            double scale = reference.Max(v => Math.Abs((double)v));
            double worst = trt.Zip(reference, (a, b) => Math.Abs((double)a - b)).Max();
            Assert.That(worst / scale, Is.LessThan(1e-4), $"batch {batch}: max |error| {worst} at scale {scale}");
            Assert.That(TrtSharp.Tests.Quantization.Precision.OrtHarness.Cosine(trt, reference), Is.GreaterThan(0.99999), $"batch {batch}");
        }
    }

    [Test]
    public void DataDependentOutputShapeComesFromTheOutputAllocator()
    {
        // NonZero: the output's second dimension is the number of non-zero inputs, known only on the device.
        const string dir = "/usr/share/libonnx-testdata/data/node/test_nonzero_example";
        string model = Path.Combine(dir, "model.onnx");
        using var engine = EngineBuilder.Build(model, new BuilderOptions());
        using var context = engine.CreateContext();
        var inputs = Inputs(dir, context);
        var expected = TensorProtoFile.Read(Path.Combine(dir, "test_data_set_0", "output_0.pb")).Tensor;
        using var binding = context.CreateBinding(inputs.ToDictionary(p => p.Key, p => p.Value.ShapeArray()));
        Assert.That(binding.HasDataDependentOutputs, Is.True);
        foreach (var (name, tensor) in inputs)
        {
            tensor.AsBytes().CopyTo(binding.Input(name).AsBytes());
        }

        for (int run = 0; run < 2; run++)
        {
            binding.Run();
            var actual = binding.Output(context.Outputs[0].Name);
            Assert.That(actual.ShapeArray(), Is.EqualTo(expected.ShapeArray()), $"run {run}");
            Assert.That(actual.AsBytes().ToArray(), Is.EqualTo(expected.AsBytes().ToArray()), $"run {run}");
        }

        context.UseCudaGraph = true;
        Assert.That(binding.Run, Throws.InvalidOperationException.With.Message.Contains("CUDA-graph"));
    }

    [TestCase("test_reshape_reordered_all_dims")]
    [TestCase("test_reshape_negative_extended_dims")]
    public void ShapeTensorInputsAreBoundInHostMemory(string test)
    {
        // The 'shape' input decides the output shape: TensorRT reads it from host memory when it enqueues.
        string dir = Path.Combine("/usr/share/libonnx-testdata/data/node", test);
        string model = Path.Combine(dir, "model.onnx");
        // TensorRT needs the shape tensor's values in the profile (setShapeValues/V2): here exactly the test's values.
        var shapeInput = TensorProtoFile.Read(Path.Combine(dir, "test_data_set_0", "input_1.pb")).Tensor;
        long[] values = ((HostTensor<long>)shapeInput).Data;
        string shapeName;
        using (var ortModel = OnnxRuntimeSession.FromFile(model))
        {
            shapeName = ortModel.Inputs[1].Name;
        }
        var options = new BuilderOptions();
        options.ShapeValues[shapeName] = (values, values, values);
        using var engine = EngineBuilder.Build(model, options);
        Assert.That(engine.Inputs.Where(t => t.IsShapeInferenceIO).Select(t => t.OnHost), Is.EqualTo(new[] { true }));
        var shapeTensor = engine.Inputs.Single(t => t.IsShapeInferenceIO);
        Assert.That(shapeTensor.ProfileValues, Has.Count.EqualTo(1));
        Assert.That(shapeTensor.ProfileValues[0].Opt, Is.EqualTo(values), "getProfileTensorValues reads back what was set");
        using var context = engine.CreateContext();
        var outputs = context.Run(Inputs(dir, context));
        var expected = TensorProtoFile.Read(Path.Combine(dir, "test_data_set_0", "output_0.pb")).Tensor;
        var actual = outputs[context.Outputs[0].Name];
        Assert.That(actual.ShapeArray(), Is.EqualTo(expected.ShapeArray()));
        Assert.That(F(actual), Is.EqualTo(F(expected)));
    }

    [Test]
    public void LegacyCalibratorBuildsAnInt8EngineFromSpeechWindows()
    {
        if (!TensorRtRuntime.BuildInfo.SupportsWeakTyping)
        {
            Assert.Ignore("TensorRT 11 has no legacy INT8 calibrator (quantize with Q/DQ instead)");
        }
        var models = DefaultModels.EnsureInstalled();
        var clips = TrtSharp.Tools.Speech.SpeechClipManifest.Read(Path.Combine(TrtSharp.Tests.Tools.Models.InstalledSpeechModels.CalibrationDataDirectory(), "manifest.csv")).ToList();
        using var mel = OnnxRuntimeSession.FromFile(models.Melspectrogram);
        using var ort = OnnxRuntimeSession.FromFile(models.Embedding);
        string input = ort.Inputs[0].Name;
        var calibration = new TrtSharp.Tools.Speech.SpeechWindowDataset(clips.Where(c => !c.IsHoldout).ToList(), mel, input);
        string cache = Path.Combine(Path.GetTempPath(), $"trtsharp-legacy-{Guid.NewGuid():N}.cache");
        try
        {
            using var source = new DatasetCalibrationSource(calibration, cache);
            var options = new BuilderOptions { Int8 = true, Calibrator = source }.WithProfiles($"{input}:1x76x32x1/8x76x32x1/8x76x32x1");
            using var engine = EngineBuilder.Build(models.Embedding, options);
            Assert.That(source.BatchesServed, Is.GreaterThan(10));
            Assert.That(File.ReadAllText(cache), Does.StartWith("TRT-"), "TensorRT wrote its cache through the callback");

            using var context = engine.CreateContext();
            var holdout = new TrtSharp.Tools.Speech.SpeechWindowDataset(clips.Where(c => c.IsHoldout).ToList(), mel, input);
            foreach (var batch in holdout.Batches().Take(5))
            {
                var trt = F(context.Run(batch)[context.Outputs[0].Name]);
                var reference = F(ort.Run(batch)[ort.Outputs[0].Name]);
                Assert.That(TrtSharp.Tests.Quantization.Precision.OrtHarness.Cosine(trt, reference), Is.GreaterThan(0.98));
            }
        }
        finally
        {
            File.Delete(cache);
        }
    }

    [Test]
    public void CudaGraphReplayEqualsPlainEnqueue()
    {
        string model = Path.Combine(Conv2d, "model.onnx");
        using var engine = EngineBuilder.Build(model);
        using var plain = engine.CreateContext();
        using var graphed = engine.CreateContext();
        graphed.UseCudaGraph = true;
        var inputs = Inputs(Conv2d, plain);
        var expected = F(plain.Run(inputs)[plain.Outputs[0].Name]);
        using var binding = graphed.CreateBinding();
        var name = graphed.Inputs[0].Name;
        for (int run = 0; run < 3; run++)
        {
            inputs[name].AsBytes().CopyTo(binding.Input(name).AsBytes());
            binding.Run();
            Assert.That(F(binding.Output(graphed.Outputs[0].Name)), Is.EqualTo(expected), $"run {run}");
        }
    }

    [Test]
    public void TwoContextsOnTwoStreamsRunConcurrently()
    {
        string model = Path.Combine(Conv2d, "model.onnx");
        using var engine = EngineBuilder.Build(model);
        using var a = engine.CreateContext();
        using var b = engine.CreateContext();
        var inputs = Inputs(Conv2d, a);
        var expected = F(a.Run(inputs)[a.Outputs[0].Name]);
        var results = new float[2][];
        Parallel.For(0, 2, i =>
        {
            var context = i == 0 ? a : b;
            for (int r = 0; r < 20; r++)
            {
                results[i] = F(context.Run(inputs)[context.Outputs[0].Name]);
            }
        });
        Assert.That(results[0], Is.EqualTo(expected));
        Assert.That(results[1], Is.EqualTo(expected));
    }

    [Test]
    public void SaveThenLoadChecksTheManifest()
    {
        string model = Path.Combine(Node, "model.onnx");
        string dir = Directory.CreateTempSubdirectory("trtsharp-plan").FullName;
        try
        {
            string plan = Path.Combine(dir, "m.plan");
            using (var engine = EngineBuilder.Build(model))
            {
                var manifest = engine.Save(plan, PlanManifest.Sha256OfFile(model));
                Assert.That(manifest.ComputeCapability, Is.EqualTo($"{CudaDevice.Current.ComputeCapability.Major}.{CudaDevice.Current.ComputeCapability.Minor}"));
                Assert.That(engine.InspectorJson(), Does.StartWith("{"));
            }
            using var session = Context.Open(plan);
            Assert.That(session.Backend, Is.EqualTo(InferenceBackend.TensorRt));
            var expected = TensorProtoFile.Read(Path.Combine(Node, "test_data_set_0", "output_0.pb")).Tensor;
            Assert.That(F(session.Run(Inputs(Node, session))[session.Outputs[0].Name]), Is.EqualTo(F(expected)).Within(2e-3));
            File.AppendAllText(plan, "x");
            Assert.Throws<TrtSharp.Errors.ModelFormatException>(() => Engine.Load(plan));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
