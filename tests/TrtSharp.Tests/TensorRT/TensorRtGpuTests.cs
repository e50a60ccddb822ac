using TrtSharp.Cuda;
using TrtSharp.Inference;
using TrtSharp.Models;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.Tests.Interop;
using Context = TrtSharp.TensorRT.ExecutionContext;

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
        NativeShimFixture.RequireShim();
        if (TensorRtRuntime.UnavailableReason is { } reason)
        {
            Assert.Ignore("no CUDA device/TensorRT: " + reason);
        }
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
    public void EmbeddingModelWithDynamicBatchMatchesOnnxRuntime()
    {
        string model = DefaultModels.EnsureInstalled().Embedding;
        using var ort = OnnxRuntimeSession.FromFile(model);
        string input = ort.Inputs[0].Name;
        var options = new BuilderOptions().WithProfiles($"{input}:1x76x32x1/8x76x32x1/32x76x32x1");
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
            Assert.That(trt, Is.EqualTo(reference).Within(1e-2), $"batch {batch}");
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
            Assert.That(session.Backend, Is.EqualTo("tensorrt"));
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
