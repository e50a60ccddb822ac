using TrtSharp.Comparison;
using TrtSharp.Errors;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;
using TrtSharp.Tests.Cli;

namespace TrtSharp.Tests.Comparison;

public sealed class ModelComparisonTests
{
    private static TensorDescriptor D(string name, TensorElementType type, params long[] shape) => new(name, type, shape);

    [Test]
    public void OutputsAreMatchedByNameWithDifferencesExplained()
    {
        var pairs = OutputPair.Match(
            [D("y", TensorElementType.Float16, 1, 4), D("extra", TensorElementType.Float, 2)],
            [D("y", TensorElementType.Float, 1, 5), D("z", TensorElementType.Float, 3)]);
        Assert.Multiple(() =>
        {
            Assert.That(pairs.Select(p => (p.Name, p.Status)), Is.EqualTo(new[]
            {
                ("y", OutputPairStatus.Paired), ("z", OutputPairStatus.MissingFromActual), ("extra", OutputPairStatus.MissingFromReference),
            }));
            Assert.That(pairs[0].Explanation, Does.Contain("declared types differ: float16 vs reference float").And.Contain("declared shapes differ"));
            Assert.That(pairs[1].Explanation, Is.EqualTo("the compared model has no output 'z' (its unmatched outputs: extra)"));
        });
        // Dynamic dimensions (-1) never count as a difference.
        Assert.That(OutputPair.DescribeDifference(D("y", TensorElementType.Float, -1, 4), D("y", TensorElementType.Float, 8, 4)), Is.Empty);
    }

    [Test]
    public void PerOutputTolerancesParseAndApply()
    {
        var (name, tolerance) = ComparisonSettings.ParsePerOutput("input:0:1e-3,0.5");
        Assert.Multiple(() =>
        {
            Assert.That(name, Is.EqualTo("input:0"));
            Assert.That(tolerance, Is.EqualTo(new Tolerance(0.5, 1e-3)));
        });
        var settings = new ComparisonSettings(new ErrorCheck(new Tolerance(0, 0), ErrorStatistic.Mean), new Dictionary<string, Tolerance> { ["a"] = tolerance });
        Assert.Multiple(() =>
        {
            Assert.That(settings.For("a"), Is.EqualTo(new ErrorCheck(tolerance, ErrorStatistic.Mean)));
            Assert.That(settings.For("b").Tolerance, Is.EqualTo(new Tolerance(0, 0)));
            Assert.Throws<FormatException>(() => ComparisonSettings.ParsePerOutput("a:1"));
            Assert.Throws<FormatException>(() => ComparisonSettings.ParsePerOutput("a:-1,0"));
            Assert.Throws<TensorNotFoundException>(() => settings.Validate(["b"]));
        });
    }

    [Test]
    public void InputsAreSeededAndConvertedForAnotherFloatType()
    {
        TensorDescriptor[] inputs = [D("x", TensorElementType.Float, -1, 3)];
        var first = ComparisonInputs.Create(inputs, null, new Dictionary<string, long[]> { ["x"] = [2, 3] }, 7);
        var again = ComparisonInputs.Create(inputs, null, new Dictionary<string, long[]> { ["x"] = [2, 3] }, 7);
        var x = (HostTensor<float>)first["x"];
        Assert.Multiple(() =>
        {
            Assert.That(x.ShapeArray(), Is.EqualTo(new long[] { 2, 3 }));
            Assert.That(x.Data, Is.EqualTo(((HostTensor<float>)again["x"]).Data));
            Assert.Throws<TensorNotFoundException>(() => ComparisonInputs.Create(inputs, null, new Dictionary<string, long[]> { ["nope"] = [1] }, 7));
        });
        var half = ComparisonInputs.AdaptTo([D("x", TensorElementType.Float16, -1, 3)], first, "a.onnx");
        var h = (HostTensor<Half>)half["x"];
        Assert.That(h.Data.Select(v => (float)v), Is.EqualTo(x.Data.Select(v => (float)(Half)v)));
        var ex = Assert.Throws<TensorShapeException>(() => ComparisonInputs.AdaptTo([D("w", TensorElementType.Float, 1)], first, "a.onnx"));
        Assert.That(ex!.Message, Does.Contain("a.onnx needs input w"));
    }

    [Test]
    public void SessionsAreComparedOnTheSameInputs()
    {
        using var a = OnnxRuntimeSession.FromModel(CliModels.PerturbedChain());
        using var b = OnnxRuntimeSession.FromModel(CliModels.Chain(CliModels.C));
        var inputs = new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([1, 4], [-1f, 2f, 0.25f, 3f]) };
        ComparisonReport report = ModelComparison.Run(a, b, inputs, new ComparisonSettings(new ErrorCheck(new Tolerance(0, 1e-6), ErrorStatistic.Max)), "a", "b");
        OutputComparison y = report.Outputs.Single();
        // b: y = 2·(relu(x) + c) = [0.2, 4.4, 1.1, 6.8]; a has c[2] = 0.8: y[2] = 2.1.
        Assert.Multiple(() =>
        {
            Assert.That(report.Passed, Is.False);
            Assert.That(y.Reference.Max, Is.EqualTo(6.8).Within(1e-5));
            Assert.That(y.Reference.Min, Is.EqualTo(0.2).Within(1e-6));
            Assert.That(y.AbsoluteError.Max, Is.EqualTo(1.0).Within(1e-6));
            Assert.That(y.RelativeError.Max, Is.EqualTo(1.0 / 1.1).Within(1e-5));
            Assert.That(report.Inputs.Single().Source, Is.EqualTo("random"));
        });
    }

    [Test]
    public void LayerwiseJumpIsAtTheNodeThatIntroducesTheError()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trtsharp-layers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string a = CliModels.Save(dir, "a.onnx", CliModels.PerturbedChain());
            string b = CliModels.Save(dir, "b.onnx", CliModels.Chain(CliModels.C));
            var inputs = new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([1, 4], [-1f, 2f, 0.25f, 3f]) };
            LayerwiseReport same = LayerwiseComparison.Run(b, b, inputs, new ErrorCheck(new Tolerance(0, 1e-6), ErrorStatistic.Max));
            LayerwiseReport report = LayerwiseComparison.Run(a, b, inputs, new ErrorCheck(new Tolerance(0, 1e-6), ErrorStatistic.Max));
            Assert.Multiple(() =>
            {
                Assert.That(same.FirstJump, Is.Null);
                Assert.That(same.FirstOff, Is.Null);
                Assert.That(report.Layers.Select(l => l.Tensor), Is.EqualTo(new[] { "r", "m", "y" }));
                Assert.That(report.FirstJump!.Tensor, Is.EqualTo("m"));
                Assert.That(report.FirstJump.OpType, Is.EqualTo("Add"));
                Assert.That(report.FirstJump.Comparison.AbsoluteError.Max, Is.EqualTo(0.5).Within(1e-6));
                // y doubles m's error: off, but only 2x its input's error, so not a jump.
                Assert.That(report.Layers[2].IsOff, Is.True);
                Assert.That(report.Layers[2].IsJump, Is.False);
                Assert.That(report.Layers[2].InputMaxAbsoluteError, Is.EqualTo(0.5).Within(1e-6));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
