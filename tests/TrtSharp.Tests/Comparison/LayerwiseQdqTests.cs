using TrtSharp.Comparison;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;
using TrtSharp.Tests.Cli;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.Comparison;

/// <summary>
/// The layer-wise comparison on a quantized model: Q/DQ in front of a layer adds a small relative error that must not
/// be reported as a jump (its inputs are not compared by name, and its absolute error is far above 1e-5), while a
/// layer that really breaks is; tensors computed from constants alone are not layers.
/// </summary>
public sealed class LayerwiseQdqTests
{
    private const int Width = 64;

    /// <summary>x → Relu → r → [Q/DQ] → Mul(w) → m → Add(c) → y, with c = Constant·1 computed in the graph (a constant-only tensor).</summary>
    private static ModelProto Model(bool quantize, float cBreak)
    {
        var graph = new GraphProto { Name = "qdq" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, Width));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, 1, Width));
        var w = new TensorProto { Name = "w", DataType = (int)TensorElementType.Float };
        w.Dims.Add(Width);
        w.FloatData.Add(Enumerable.Range(0, Width).Select(i => 0.5f + 0.01f * i));
        graph.Initializer.Add(w);
        graph.Initializer.Add(TestModels.Scalar("one", 1f));
        var cValue = new TensorProto { DataType = (int)TensorElementType.Float };
        cValue.Dims.Add(Width);
        cValue.FloatData.Add(Enumerable.Range(0, Width).Select(i => i == 7 ? cBreak : 0.1f));
        NodeProto constant = TestModels.Node("Constant", [], ["c0"], "const");
        constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = cValue });
        graph.Node.Add(constant);
        graph.Node.Add(TestModels.Node("Mul", ["c0", "one"], ["c"], "const_mul"));
        graph.Node.Add(TestModels.Node("Relu", ["x"], ["r"], "relu"));
        string mulInput = "r";
        if (quantize)
        {
            graph.Initializer.Add(TestModels.Scalar("s", 4f / 127));
            var zero = new TensorProto { Name = "z", DataType = (int)TensorElementType.Int8 };
            zero.Int32Data.Add(0);
            graph.Initializer.Add(zero);
            graph.Node.Add(TestModels.Node("QuantizeLinear", ["r", "s", "z"], ["rq"], "q"));
            graph.Node.Add(TestModels.Node("DequantizeLinear", ["rq", "s", "z"], ["rdq"], "dq"));
            mulInput = "rdq";
        }
        graph.Node.Add(TestModels.Node("Mul", [mulInput, "w"], ["m"], "mul"));
        graph.Node.Add(TestModels.Node("Add", ["m", "c"], ["y"], "add"));
        return TestModels.Model(graph);
    }

    private static LayerwiseReport Compare(string folder, ModelProto actual)
    {
        string a = CliModels.Save(folder, "a.onnx", actual);
        string b = CliModels.Save(folder, "b.onnx", Model(quantize: false, cBreak: 0.1f));
        var random = new Random(3);
        var x = new HostTensor<float>([1, Width], [.. Enumerable.Range(0, Width).Select(_ => (float)(random.NextDouble() * 8 - 4))]);
        return LayerwiseComparison.Run(a, b, new Dictionary<string, HostTensor> { ["x"] = x }, new ErrorCheck(new Tolerance(1e-5, 0), ErrorStatistic.Max));
    }

    [Test]
    public void QuantizedLayerWithSmallRelativeErrorIsNotAJumpAndConstantsAreNotLayers()
    {
        string folder = Directory.CreateTempSubdirectory("trtsharp-layers-qdq-").FullName;
        try
        {
            LayerwiseReport report = Compare(folder, Model(quantize: true, cBreak: 0.1f));
            LayerComparison mul = report.Layers.Single(l => l.Tensor == "m");
            Assert.Multiple(() =>
            {
                Assert.That(report.Layers.Select(l => l.Tensor), Is.EqualTo(new[] { "r", "m", "y" }), "c0/c are computed from constants alone");
                Assert.That(mul.Comparison.AbsoluteError.Max, Is.GreaterThan(1e-3), "quantization error is far above atol");
                Assert.That(mul.InputSnrDb, Is.EqualTo(LayerwiseComparison.ExactSnrDb), "traced through DQ/Q back to r, which is exact");
                Assert.That(mul.SnrDb, Is.InRange(30, 60), "8-bit quantization noise");
                Assert.That(mul.IsOff, Is.False);
                Assert.That(report.FirstJump, Is.Null);
                Assert.That(report.FirstOff, Is.Null);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TheLayerThatBreaksIsTheJumpAndListedWorstFirst()
    {
        string folder = Directory.CreateTempSubdirectory("trtsharp-layers-qdq-").FullName;
        try
        {
            LayerwiseReport report = Compare(folder, Model(quantize: true, cBreak: 40f));
            Assert.Multiple(() =>
            {
                Assert.That(report.FirstJump?.Tensor, Is.EqualTo("y"));
                Assert.That(report.FirstJump!.OpType, Is.EqualTo("Add"));
                Assert.That(report.FirstJump.SnrDropDb, Is.GreaterThan(LayerwiseComparison.DefaultJumpDb));
                Assert.That(report.Worst(10).Select(l => l.Tensor), Is.EqualTo(new[] { "y", "m" }));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
