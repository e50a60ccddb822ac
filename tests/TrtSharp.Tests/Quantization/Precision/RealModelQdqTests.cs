using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>Q/DQ on the PyTorch-exported models of Debian's libonnx-testdata (opset 6, IR 3: raised to opset 13).</summary>
public class RealModelQdqTests
{
    private const string Root = "/usr/share/libonnx-testdata/data";

    [TestCase("pytorch-converted/test_Conv2d", "Conv", 0)]
    [TestCase("pytorch-converted/test_Conv2d_strided", "Conv", 0)]
    [TestCase("pytorch-converted/test_Conv2d_groups", "Conv", 0)]
    [TestCase("pytorch-converted/test_Conv2d_depthwise_with_multiplier", "Conv", 0)]
    [TestCase("pytorch-converted/test_Conv1d_dilated", "Conv", 0)]
    [TestCase("pytorch-converted/test_Conv3d_no_bias", "Conv", 0)]
    [TestCase("pytorch-converted/test_ConvTranspose2d", "ConvTranspose", 1)]
    [TestCase("pytorch-converted/test_Linear", "Gemm", 0)]
    [TestCase("pytorch-converted/test_Linear_no_bias", "MatMul", null)]
    [TestCase("pytorch-operator/test_operator_conv", "Conv", 0)]
    [TestCase("pytorch-operator/test_operator_convtranspose", "ConvTranspose", 1)]
    [TestCase("pytorch-operator/test_operator_addmm", "Gemm", null)]
    [TestCase("pytorch-operator/test_operator_mm", "Gemm", null)]
    public void RealModelQuantizesRunsAndStaysClose(string folder, string op, int? weightAxis)
    {
        var dir = Path.Combine(Root, folder);
        if (!File.Exists(Path.Combine(dir, "model.onnx")))
        {
            Assert.Ignore($"{dir} is missing: install Debian's libonnx-testdata");
        }

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
        var reference = ReadSample(model, dir);

        // ORT 1.31 no longer runs some opset-6 kernels (Gemm-6), so FP32 runs use the model normalized to opset 13;
        // matching the exporter's reference output shows that the conversion kept the semantics.
        var normalized = TrtSharp.Onnx.OnnxModel.FromProto(model.Clone());
        TrtSharp.Onnx.Normalization.ModelNormalizer.Normalize(normalized);
        var fp32Model = normalized.Proto;
        var expected = OnnxTensors.ReadFiniteFloats(TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "test_data_set_0", "output_0.pb"))));
        var actual = OrtHarness.Run(fp32Model, reference)[fp32Model.Graph.Output[0].Name];
        Assert.That(actual, Is.EqualTo(expected).Within(1e-4f));

        var calibration = new List<OrtHarness.Sample> { reference };
        calibration.AddRange(RandomLike(reference, 3, 11));
        var ranges = OrtHarness.Ranges(fp32Model, calibration);

        // Q/DQ goes on the normalized model, whose weights behind Transpose are folded into initializers.
        var (qdq, report) = QdqInserter.Insert(fp32Model, OrtHarness.Amax(ranges));
        qdq = OrtHarness.RoundTrip(qdq);

        Assert.That(normalized.Normalization!.OriginalOpset, Is.EqualTo(6));
        Assert.That(qdq.OpsetImport.Single(o => o.Domain.Length == 0).Version, Is.EqualTo(13));
        Assert.That(qdq.IrVersion, Is.GreaterThanOrEqualTo(7));
        Assert.That(report.Nodes.Where(n => n.OpType == op).Select(n => n.Status), Is.All.EqualTo(NodeStatus.Quantized));
        Assert.That(GraphAssert.Nodes(qdq, "QuantizeLinear"), Is.Not.Empty);
        foreach (var output in qdq.Graph.Output)
        {
            Assert.That(GraphAssert.Producer(qdq, output.Name).OpType, Is.Not.EqualTo("DequantizeLinear").And.Not.EqualTo("QuantizeLinear"));
        }

        // Every activation Q: scale amax/127 exactly, int8 zero point 0.
        foreach (var q in GraphAssert.Nodes(qdq, "QuantizeLinear"))
        {
            Assert.That(GraphAssert.Floats(qdq, q.Input[1]), Is.EqualTo(new[] { ranges[q.Input[0]].Amax / 127f }));
            Assert.That(GraphAssert.Int8(qdq, q.Input[2]), Is.EqualTo(new sbyte[] { 0 }));
        }

        var weights = report.Tensors.Where(t => t.Kind == QuantizedTensorKind.Weight).ToList();
        if (weightAxis is int axis)
        {
            Assert.That(weights, Is.Not.Empty);
            foreach (var w in weights)
            {
                var original = model.Graph.Initializer.Single(i => i.Name == w.Name);
                Assert.That(w.Axis, Is.EqualTo(axis), w.Name);
                Assert.That(w.Scales, Has.Count.EqualTo(original.Dims[axis]), w.Name);
            }
        }

        // Runs in ORT, close to FP32 on the reference input and on fresh data.
        foreach (var sample in RandomLike(reference, 1, 77).Prepend(reference))
        {
            var fp32 = OrtHarness.Run(fp32Model, sample);
            var int8 = OrtHarness.Run(qdq, sample);
            foreach (var (name, values) in fp32)
            {
                Assert.That(OrtHarness.Cosine(values, int8[name]), Is.GreaterThanOrEqualTo(0.99), $"{folder} output {name}");
            }
        }
    }

    private static OrtHarness.Sample ReadSample(ModelProto model, string dir)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        var feeds = new Dictionary<string, (float[], long[])>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "test_data_set_0", $"input_{i}.pb")));
            feeds[inputs[i].Name] = (OnnxTensors.ReadFiniteFloats(tensor), [.. tensor.Dims]);
        }

        return new OrtHarness.Sample(feeds);
    }

    private static IEnumerable<OrtHarness.Sample> RandomLike(OrtHarness.Sample sample, int count, int seed) =>
        Enumerable.Range(0, count).Select(k => new OrtHarness.Sample(sample.Inputs.ToDictionary(
            kv => kv.Key,
            kv => (ModelBuilder.Random(kv.Value.Data.Length, seed + k, kv.Value.Data.Max(MathF.Abs)), kv.Value.Shape))));
}
