using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision.AutoCast;
using TrtSharp.Tensors;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.Quantization.Precision.AutoCast;

public sealed class AutoCasterTests
{
    private sealed class MemoryData(params IReadOnlyDictionary<string, HostTensor>[] batches) : ICalibrationDataset
    {
        public string Description => $"{batches.Length} batches in memory";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) => batches;
    }

    private static HostTensor<float> Random(long[] shape, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        long count = shape.Aggregate(1L, (a, d) => a * d);
        return new HostTensor<float>(shape, [.. Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale)]);
    }

    private static Dictionary<string, HostTensor> Run(ModelProto model, HostTensor x)
    {
        using var session = OnnxRuntimeSession.FromModel(model.Clone(), new OnnxRuntimeOptions { LogSeverity = OnnxRuntimeLogSeverity.Error });
        return session.Run(new Dictionary<string, HostTensor> { ["x"] = x }).ToDictionary(p => p.Key, p => p.Value);
    }

    private static float[] F(HostTensor t) => ((HostTensor<float>)t).Data;

    private static ValueInfoProto Io(ModelProto m, string name) => m.Graph.Input.Concat(m.Graph.Output).Single(v => v.Name == name);

    [Test]
    public void Fp16ConversionKeepsFragileOpsPassesTheCheckerAndMatchesFp32()
    {
        ModelProto original = AutoCastModels.ConvNet();
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(original), new AutoCastOptions());
        ModelProto converted = result.Model.Proto;

        Assert.Multiple(() =>
        {
            Assert.That(result.Kept.Select(k => (k.Node, k.Rule)), Is.EquivalentTo(new[] { ("reduce", KeepRule.OpType), ("exp", KeepRule.OpType) }));
            Assert.That(result.ReducedNodes, Is.EqualTo(4), "conv, relu, bn, mul");
            Assert.That(result.CastsRetyped, Is.EqualTo(1), "Cast(int64 → float) feeding the FP16 Mul now casts to float16 directly");
            Assert.That(converted.Graph.Node.Count(n => n.OpType == "Cast" && n.Input[0] == "batch_f"), Is.Zero, "no Cast chain");
            Assert.That(converted.Graph.Initializer.Single(i => i.Name == "w").DataType, Is.EqualTo((int)TensorElementType.Float16));
            Assert.That(result.ConvertedWeightShare, Is.EqualTo(1.0));
            // Graph inputs and outputs keep float32 and their names.
            Assert.That(new[] { "x", "y", "features" }.Select(n => Io(converted, n).Type.TensorType.ElemType), Is.All.EqualTo((int)TensorElementType.Float));
        });
        OnnxChecker.AssertValid(converted);

        HostTensor<float> x = Random([1, 3, 8, 8], 1);
        var expected = Run(original, x);
        var actual = Run(converted, x);
        foreach (string output in new[] { "y", "features" })
        {
            float[] e = F(expected[output]), a = F(actual[output]);
            Assert.That(a, Is.EqualTo(e).Within(2e-2).Percent.Or.EqualTo(e).Within(2e-3), output);
        }
    }

    [Test]
    public void TheEmulationRoundsEveryValueTheConvertedModelHoldsInFp16()
    {
        ModelProto original = AutoCastModels.ConvNet();
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(original), new AutoCastOptions());
        HostTensor<float> x = Random([1, 3, 8, 8], 2);
        float[] fp32 = F(Run(original, x)["features"]);
        float[] converted = F(Run(result.Model.Proto, x)["features"]);
        float[] emulated = F(Run(result.Emulation.Proto, x)["features"]);
        Assert.Multiple(() =>
        {
            Assert.That(emulated.Select(v => (float)(Half)v), Is.EqualTo(emulated), "every emulated FP16 value is representable in FP16");
            Assert.That(emulated, Is.Not.EqualTo(fp32), "the emulation rounds: it is not the float32 model");
            // ONNX Runtime's CPU provider runs the FP16 model with its own mix of FP16 kernels and float32 between Casts, which
            // rounds at other places: within about one FP16 step (2^-10 relative) of the emulation, as far as either is from float32.
            Assert.That(emulated, Is.EqualTo(converted).Within(0.2).Percent.Or.EqualTo(converted).Within(1e-3));
        });
    }

    [Test]
    public void Bf16IsEmulatedAndFollowsTheSpecification()
    {
        ModelProto original = AutoCastModels.ConvNet();
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(original), new AutoCastOptions { Target = ReducedPrecision.BFloat16 });
        Assert.Multiple(() =>
        {
            // ONNX (up to the table's release) has no bfloat16 Conv or BatchNormalization at opset 13; Relu and Mul have one.
            Assert.That(result.Kept.Where(k => k.Rule == KeepRule.Specification).Select(k => k.Node), Is.EquivalentTo(new[] { "conv", "bn" }));
            Assert.That(result.Kept.Single(k => k.Node == "conv").Reason, Does.Contain("ONNX has no bf16 Conv at opset 13"));
        });
        OnnxChecker.AssertValid(result.Model.Proto);
        HostTensor<float> x = Random([1, 3, 8, 8], 3);
        float[] fp32 = F(Run(original, x)["y"]);
        float[] emulated = F(Run(result.Emulation.Proto, x)["y"]);
        Assert.That(emulated, Is.EqualTo(fp32).Within(2).Percent, "bfloat16 keeps 8 bits of mantissa");
        Assert.That(emulated.Select(v => BFloat16.FromSingle(v).ToSingle()), Is.EqualTo(emulated), "outputs of BF16 nodes are rounded to bfloat16");
    }

    [Test]
    public void WeightsBeyondTheRangeKeepTheirNodeInFloat32()
    {
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(AutoCastModels.ConvNet(variance: 1e8f)), new AutoCastOptions());
        KeptNode bn = result.Kept.Single(k => k.Node == "bn");
        Assert.Multiple(() =>
        {
            Assert.That(bn.Rule, Is.EqualTo(KeepRule.Overflow));
            Assert.That(bn.Reason, Is.EqualTo("weight 'var' holds 1E+08, beyond fp16's largest value 6.55E+04"));
            Assert.That(result.Model.Proto.Graph.Initializer.Single(i => i.Name == "var").DataType, Is.EqualTo((int)TensorElementType.Float));
        });
        OnnxChecker.AssertValid(result.Model.Proto);
    }

    [Test]
    public void DataBeyondTheRangeOrBelowItsNormalsKeepsProducerAndConsumers()
    {
        var data = new MemoryData(new Dictionary<string, HostTensor> { ["x"] = Random([1, 16], 4, scale: 100) });
        AutoCastResult big = AutoCaster.Convert(OnnxModel.FromProto(AutoCastModels.Scale(1000)), new AutoCastOptions(), data);
        Assert.That(big.Kept.Select(k => (k.Node, k.Rule)), Is.EquivalentTo(new[] { ("scale", KeepRule.Overflow), ("relu", KeepRule.Overflow) }));
        Assert.That(big.Kept[0].Reason, Does.StartWith("tensor 's' reaches ").And.Contain("beyond fp16's largest value 6.55E+04 with 2x headroom"));

        AutoCastResult tiny = AutoCaster.Convert(OnnxModel.FromProto(AutoCastModels.Scale(1e-7f)), new AutoCastOptions(), data);
        Assert.That(tiny.Kept.Select(k => k.Rule), Is.All.EqualTo(KeepRule.Underflow));
        Assert.That(tiny.Kept.Select(k => k.Node), Does.Contain("relu"));

        AutoCastResult fine = AutoCaster.Convert(OnnxModel.FromProto(AutoCastModels.Scale(2)), new AutoCastOptions(), data);
        Assert.That(fine.Kept, Is.Empty);
        Assert.That(fine.UsedData, Is.True);
    }

    [Test]
    public void NodesByNameAndOpListsAreConfigurable()
    {
        var options = new AutoCastOptions
        {
            KeepOpTypes = new Dictionary<string, string> { ["Bat*"] = "told so" },
            KeepNodes = ["con?"],
        };
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(AutoCastModels.ConvNet()), options);
        Assert.That(result.Kept.Select(k => (k.Node, k.Rule)), Is.EquivalentTo(new[] { ("bn", KeepRule.OpType), ("conv", KeepRule.NodeName) }));
        Assert.That(result.Kept.Single(k => k.Node == "bn").Reason, Is.EqualTo("BatchNormalization: told so"));
        OnnxChecker.AssertValid(result.Model.Proto);
    }

    [Test]
    public void WithoutKeepIoTypesTheGraphEdgesAreReduced()
    {
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(AutoCastModels.Scale(2)), new AutoCastOptions { KeepIoTypes = false });
        ModelProto m = result.Model.Proto;
        Assert.That(new[] { "x", "y" }.Select(n => Io(m, n).Type.TensorType.ElemType), Is.All.EqualTo((int)TensorElementType.Float16));
        Assert.That(m.Graph.Node.Count(n => n.OpType == "Cast"), Is.Zero);
        OnnxChecker.AssertValid(m);
    }

    [Test]
    public void AWeightSharedWithAFloat32NodeGetsAConvertedCopy()
    {
        var g = new GraphProto { Name = "shared" };
        g.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, 4));
        g.Output.Add(TestModels.Value("y", TensorElementType.Float, 1, 4));
        g.Initializer.Add(AutoCastModels.Floats("k", [4], i => i + 1));
        g.Node.Add(TestModels.Node("Mul", ["x", "k"], ["a"], "mul"));
        g.Node.Add(TestModels.Node("Pow", ["a", "k"], ["y"], "pow"));
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(TestModels.Model(g, opset: 15)), new AutoCastOptions());
        var weights = result.Model.Proto.Graph.Initializer.ToDictionary(i => i.Name, i => (TensorElementType)i.DataType);
        Assert.That(weights, Is.EquivalentTo(new Dictionary<string, TensorElementType> { ["k"] = TensorElementType.Float, ["k_fp16"] = TensorElementType.Float16 }));
        OnnxChecker.AssertValid(result.Model.Proto);
    }

    [Test]
    public void SubgraphsStayFloat32AndWhatTheyReadToo()
    {
        var then = new GraphProto { Name = "then" };
        then.Output.Add(TestModels.Value("t_out", TensorElementType.Float, 1, 4));
        then.Node.Add(TestModels.Node("Identity", ["r"], ["t_out"], "then_id"));
        var otherwise = new GraphProto { Name = "else" };
        otherwise.Output.Add(TestModels.Value("e_out", TensorElementType.Float, 1, 4));
        otherwise.Node.Add(TestModels.Node("Neg", ["r"], ["e_out"], "else_neg"));
        var g = new GraphProto { Name = "if" };
        g.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, 4));
        g.Input.Add(TestModels.Value("c", TensorElementType.Bool));
        g.Output.Add(TestModels.Value("y", TensorElementType.Float, 1, 4));
        g.Node.Add(TestModels.Node("Relu", ["x"], ["r"], "relu"));
        NodeProto branch = TestModels.Node("If", ["c"], ["y"], "branch");
        branch.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = then });
        branch.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = otherwise });
        g.Node.Add(branch);
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(TestModels.Model(g, opset: 13)), new AutoCastOptions());
        Assert.That(result.Kept.Select(k => (k.Node, k.Rule)), Is.EquivalentTo(new[] { ("relu", KeepRule.Subgraph), ("branch", KeepRule.Subgraph) }));
        Assert.That(result.Kept.Single(k => k.Node == "relu").Reason, Is.EqualTo("produces 'r', which a subgraph reads by name"));
    }

    [Test]
    public void ReducedOrQuantizedModelsAreRefusedNamingTheNode()
    {
        AutoCastResult once = AutoCaster.Convert(OnnxModel.FromProto(AutoCastModels.Scale(2)), new AutoCastOptions { KeepIoTypes = false });
        var ex = Assert.Throws<PrecisionConversionException>(() => AutoCaster.Convert(once.Model, new AutoCastOptions()));
        Assert.That(ex!.Message, Does.Contain("node 'scale'").And.Contain("already float16"));

        var g = new GraphProto { Name = "q" };
        g.Input.Add(TestModels.Value("x", TensorElementType.Float, 4));
        g.Output.Add(TestModels.Value("y", TensorElementType.Int8, 4));
        g.Initializer.Add(TestModels.Scalar("s", 0.1f));
        var zero = new TensorProto { Name = "z", DataType = (int)TensorElementType.Int8 };
        zero.Int32Data.Add(0);
        g.Initializer.Add(zero);
        g.Node.Add(TestModels.Node("QuantizeLinear", ["x", "s", "z"], ["y"], "quant"));
        ex = Assert.Throws<PrecisionConversionException>(() => AutoCaster.Convert(OnnxModel.FromProto(TestModels.Model(g, opset: 13)), new AutoCastOptions()));
        Assert.That(ex!.Message, Does.StartWith("node 'quant': the model is quantized (QuantizeLinear)"));
    }

    [Test]
    public void ValuesASubgraphReadsByNameStayFloat32()
    {
        // A weight read by an FP16 Mul and by both branches of an If: converted for the Mul as a copy, kept float32 for the branches.
        var then = new GraphProto { Name = "then" };
        then.Output.Add(TestModels.Value("t_out", TensorElementType.Float, 4));
        then.Node.Add(TestModels.Node("Identity", ["k"], ["t_out"], "then_id"));
        var otherwise = new GraphProto { Name = "else" };
        otherwise.Output.Add(TestModels.Value("e_out", TensorElementType.Float, 4));
        otherwise.Node.Add(TestModels.Node("Neg", ["k"], ["e_out"], "else_neg"));
        var g = new GraphProto { Name = "if_reads_weight" };
        g.Input.Add(TestModels.Value("x", TensorElementType.Float, 4));
        g.Input.Add(TestModels.Value("c", TensorElementType.Bool));
        g.Output.Add(TestModels.Value("m", TensorElementType.Float, 4));
        g.Output.Add(TestModels.Value("y", TensorElementType.Float, 4));
        g.Initializer.Add(AutoCastModels.Floats("k", [4], i => i + 0.5f));
        g.Node.Add(TestModels.Node("Mul", ["x", "k"], ["m"], "mul"));
        NodeProto branch = TestModels.Node("If", ["c"], ["y"], "branch");
        branch.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = then });
        branch.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = otherwise });
        g.Node.Add(branch);
        AutoCastResult result = AutoCaster.Convert(OnnxModel.FromProto(TestModels.Model(g, opset: 13)), new AutoCastOptions { KeepIoTypes = false });
        var weights = result.Model.Proto.Graph.Initializer.ToDictionary(i => i.Name, i => (TensorElementType)i.DataType);
        Assert.That(weights["k"], Is.EqualTo(TensorElementType.Float), "the branches read k as float32");
        using var session = OnnxRuntimeSession.FromModel(result.Model.Proto.Clone(), new OnnxRuntimeOptions { LogSeverity = OnnxRuntimeLogSeverity.Error });
        var outputs = session.Run(new Dictionary<string, HostTensor>
        {
            ["x"] = new HostTensor<Half>([4], [(Half)1, (Half)2, (Half)3, (Half)4]),
            ["c"] = new HostTensor<bool>([], [false]),
        });
        Assert.That(((HostTensor<float>)outputs["y"]).Data, Is.EqualTo(new[] { -0.5f, -1.5f, -2.5f, -3.5f }));
    }
}
