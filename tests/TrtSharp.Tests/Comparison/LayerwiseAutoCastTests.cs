using TrtSharp.Comparison;
using TrtSharp.Onnx;
using TrtSharp.Quantization.Precision.AutoCast;
using TrtSharp.Tensors;
using TrtSharp.Tests.Cli;
using TrtSharp.Tests.Quantization.Precision.AutoCast;

namespace TrtSharp.Tests.Comparison;

/// <summary>The layer-wise comparison of an AutoCast model names the layer that broke, not the Cast that restores an output's type.</summary>
public sealed class LayerwiseAutoCastTests
{
    [Test]
    public void AnOutputsRestoringCastIsAttributedToTheNodeThatComputedIt()
    {
        string folder = Directory.CreateTempSubdirectory("trtsharp-layers-autocast-").FullName;
        try
        {
            // x·3e4 overflows FP16 for |x| > 2.2; no data was given, so no range rule keeps the Mul in float32.
            var original = AutoCastModels.Scale(3e4f);
            AutoCastResult half = AutoCaster.Convert(OnnxModel.FromProto(original), new AutoCastOptions());
            string a = CliModels.Save(folder, "a.onnx", half.Model.Proto);
            string b = CliModels.Save(folder, "b.onnx", original);
            var x = new HostTensor<float>([1, 16], [.. Enumerable.Range(0, 16).Select(i => (float)(i - 8))]);
            LayerwiseReport report = LayerwiseComparison.Run(a, b, new Dictionary<string, HostTensor> { ["x"] = x },
                new ErrorCheck(new Tolerance(1e-5, 0), ErrorStatistic.Max));
            Assert.Multiple(() =>
            {
                Assert.That(report.Layers.Select(l => l.OpType), Does.Not.Contain("Cast"));
                Assert.That(report.Layers.Single(l => l.Tensor == "y").Node, Is.EqualTo("relu"));
                Assert.That(report.FirstJump?.Node, Is.EqualTo("scale"), "the Mul overflows");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
