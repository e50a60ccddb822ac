using Google.Protobuf;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tests.Quantization.Precision;
using static TrtSharp.Tests.Onnx.Normalization.OldOpsetModels;
using static TrtSharp.Tests.Quantization.Precision.ModelBuilder;

namespace TrtSharp.Tests.Onnx.Normalization;

/// <summary>Constant hoisting, constant and shape folding, dead-node removal and inferred shapes, checked on ONNX Runtime.</summary>
[TestFixture]
public class ConstantNormalizationTests
{
    private static NodeProto ConstantNode(string output, AttributeProto value) =>
        new() { OpType = "Constant", Name = "const_" + output, Output = { output }, Attribute = { value } };

    private static AttributeProto TensorValue(TensorProto t) => new() { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = t };

    [Test]
    public void EveryConstantValueKindBecomesAnInitializer()
    {
        var floats = new AttributeProto { Name = "value_floats", Type = AttributeProto.Types.AttributeType.Floats };
        floats.Floats.AddRange([1f, 2f, 3f]);
        var ints = new AttributeProto { Name = "value_ints", Type = AttributeProto.Types.AttributeType.Ints };
        ints.Ints.AddRange([3, 1]);
        var model = Model(13, [("x", [3])], ["y", "shape_out", "s"],
            ConstantNode("w", TensorValue(FloatTensor("", [0.5f, -1f, 2f], 3))),
            ConstantNode("f", floats),
            ConstantNode("k", new AttributeProto { Name = "value_float", Type = AttributeProto.Types.AttributeType.Float, F = 4f }),
            ConstantNode("shape", ints),
            ConstantNode("one", new AttributeProto { Name = "value_int", Type = AttributeProto.Types.AttributeType.Int, I = 1 }),
            ConstantNode("s", new AttributeProto { Name = "value_string", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("hi") }),
            Node("Mul", ["x", "w"], ["xw"]), Node("Add", ["xw", "f"], ["xwf"]), Node("Mul", ["xwf", "k"], ["m"]),
            Node("Reshape", ["m", "shape"], ["y"]),
            Node("Cast", ["one"], ["shape_out"], Int("to", (int)TensorProto.Types.DataType.Float)));
        // 's' is a graph output: it stays a node so no initializer is exposed as an output.
        var normalized = OnnxModel.FromProto(model.Clone());
        var report = ModelNormalizer.Normalize(normalized, new NormalizationOptions { FoldConstants = false });
        Assert.That(report.ConstantsHoisted, Is.EqualTo(5));
        Assert.That(normalized.Proto.Graph.Node.Count(n => n.OpType == "Constant"), Is.EqualTo(1));
        Assert.That(normalized.Proto.Graph.Initializer.Select(i => i.Name), Is.EquivalentTo(new[] { "w", "f", "k", "shape", "one" }));
        AssertSameOutputs(model, normalized.Proto, Sample(model, 1));
        Assert.That(normalized.Graph.InitializerBytes, Is.EqualTo(3 * 4 + 3 * 4 + 4 + 2 * 8 + 8));
    }

    /// <summary>
    /// A paddle2onnx-style block at opset 11: weights in Constant nodes behind Transpose/Cast, a reshape target built by
    /// Shape → Gather → Unsqueeze → Concat from a dynamic batch, and a dead branch.
    /// </summary>
    private static ModelProto PaddleStyle()
    {
        var w = FloatTensor("", Random(16 * 12, 7), 12, 16);
        return Model(11, [("x", [-1, 3, 4, 4])], ["y"],
            ConstantNode("w_t", TensorValue(w)),
            Node("Transpose", ["w_t"], ["w"], Ints("perm", 1, 0)),
            ConstantNode("idx0", TensorValue(Int64Tensor("", [0]))),
            ConstantNode("idx1", TensorValue(Int64Tensor("", [1]))),
            ConstantNode("minus1", TensorValue(Int64Tensor("", [-1], 1))),
            Node("Shape", ["x"], ["shape"]),
            Node("Gather", ["shape", "idx0"], ["n"], Int("axis", 0)),
            Node("Gather", ["shape", "idx1"], ["c"], Int("axis", 0)),
            Node("Unsqueeze", ["n"], ["n1"], Ints("axes", 0)),
            Node("Unsqueeze", ["c"], ["c1"], Ints("axes", 0)),
            Node("Mul", ["c1", "minus1"], ["c_neg"]),
            Node("Abs", ["c_neg"], ["c_abs"]),
            Node("Concat", ["n1", "c_abs", "minus1"], ["target"], Int("axis", 0)),
            Node("Reshape", ["x", "target"], ["r"]),
            Node("MatMul", ["r", "w"], ["mm"]),
            Node("Softmax", ["mm"], ["y"], Int("axis", 2)),
            Node("Relu", ["mm"], ["dead"]));
    }

    [Test]
    public void PaddleStyleShapeChainsAndConstantWeightsFold()
    {
        var model = PaddleStyle();
        var normalized = OnnxModel.FromProto(model.Clone());
        var report = ModelNormalizer.Normalize(normalized);
        var ops = normalized.Proto.Graph.Node.Select(n => n.OpType).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(report.ConstantsHoisted, Is.EqualTo(4));
            Assert.That(ops, Does.Not.Contain("Constant").And.Not.Contain("Transpose").And.Not.Contain("Relu").And.Not.Contain("Abs"));
            // The batch is dynamic: its Shape → Gather stays, the channel count (static) became a constant.
            Assert.That(ops.Count(o => o == "Gather"), Is.EqualTo(1));
            Assert.That(report.ShapesResolved, Is.EqualTo(1));
            Assert.That(report.NodesFolded, Is.GreaterThanOrEqualTo(4));
            Assert.That(report.NodesRemoved, Is.GreaterThanOrEqualTo(1));
            Assert.That(report.OpsetChanged, Is.True);
            Assert.That(report.Summary(), Does.Contain("opset 11 -> 13").And.Contain("4 Constant nodes -> initializers"));
            // The transposed weight is an initializer of the MatMul's shape.
            var matmul = normalized.Proto.Graph.Node.Single(n => n.OpType == "MatMul");
            Assert.That(normalized.Proto.Graph.Initializer.Single(i => i.Name == matmul.Input[1]).Dims, Is.EqualTo(new long[] { 16, 12 }));
            Assert.That(report.TensorShapes["mm"].Rank, Is.EqualTo(3));
            Assert.That(report.TensorShapes["x"].Dimensions, Is.EqualTo(new long[] { -1, 3, 4, 4 }));
        });
        AssertSameOutputs(model, normalized.Proto, Sample(model, 1, dynamic: 1), 1e-6);
        AssertSameOutputs(model, normalized.Proto, Sample(model, 2, dynamic: 5), 1e-6);
    }

    [Test]
    public void StaticShapesFoldTheWholeChain()
    {
        var model = PaddleStyle();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 2 };
        var normalized = OnnxModel.FromProto(model.Clone());
        var report = ModelNormalizer.Normalize(normalized);
        Assert.That(normalized.Proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Reshape", "MatMul", "Softmax" }));
        Assert.That(report.TensorShapes.Values.All(s => s.IsStatic), Is.True);
        AssertSameOutputs(model, normalized.Proto, Sample(model, 3));
    }

    [Test]
    public void RanksAreKnownBehindComputedReshapeTargets()
    {
        // Shape -> Slice -> Cast -> Cast -> Concat feeding Reshape, twice: ONNX Runtime's own inference loses the rank
        // after the first Reshape; the rank rules keep every tensor's rank known.
        var model = Model(13, [("x", [-1, 3, 4, 4])], ["y"],
            Node("Shape", ["x"], ["s0"]), Node("Slice", ["s0", "zero", "one"], ["n0"]),
            Node("Concat", ["n0", "minus1"], ["t0"], Int("axis", 0)), Node("Reshape", ["x", "t0"], ["r0"]),
            Node("Relu", ["r0"], ["a"]),
            Node("Shape", ["a"], ["s1"]), Node("Slice", ["s1", "zero", "one"], ["n1"]),
            Node("Cast", ["n1"], ["n1i"], Int("to", (int)TensorProto.Types.DataType.Int32)),
            Node("Cast", ["n1i"], ["n1l"], Int("to", (int)TensorProto.Types.DataType.Int64)),
            Node("Concat", ["n1l", "two", "minus1"], ["t1"], Int("axis", 0)), Node("Reshape", ["a", "t1"], ["r1"]),
            Node("Transpose", ["r1"], ["y"], Ints("perm", 0, 2, 1)));
        model.Graph.Initializer.Add(Int64Tensor("zero", [0], 1));
        model.Graph.Initializer.Add(Int64Tensor("one", [1], 1));
        model.Graph.Initializer.Add(Int64Tensor("two", [2], 1));
        model.Graph.Initializer.Add(Int64Tensor("minus1", [-1], 1));
        var normalized = OnnxModel.FromProto(model.Clone());
        var report = ModelNormalizer.Normalize(normalized);
        var ranks = normalized.Proto.Graph.Node.SelectMany(n => n.Output).ToDictionary(o => o, o => report.TensorShapes[o].Rank);
        Assert.That(ranks["r0"], Is.EqualTo(2));
        Assert.That(ranks["r1"], Is.EqualTo(3));
        Assert.That(ranks["y"], Is.EqualTo(3));
        Assert.That(ranks.Values, Is.All.GreaterThan(0));
        AssertSameOutputs(model, normalized.Proto, Sample(model, 4, dynamic: 3));
    }

    [Test]
    public void LargeExpansionsStayNodes()
    {
        // Expanding a scalar to 1M floats would add 4 MB to the file for nothing: it stays a node.
        var model = Model(13, [("x", [1, 1024, 1024])], ["y"],
            Node("Expand", ["k", "shape"], ["big"]), Node("Add", ["x", "big"], ["y"]));
        model.Graph.Initializer.Add(FloatTensor("k", [2f]));
        model.Graph.Initializer.Add(Int64Tensor("shape", [1, 1024, 1024], 3));
        var normalized = OnnxModel.FromProto(model.Clone());
        var report = ModelNormalizer.Normalize(normalized);
        Assert.That(report.NodesFolded, Is.Zero);
        Assert.That(normalized.Proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Expand", "Add" }));
    }

    [Test]
    public void OriginalIsLeftUntouchedByNormalized()
    {
        var model = OnnxModel.FromProto(PaddleStyle());
        var before = model.Proto.Clone();
        var normalized = model.Normalized();
        Assert.That(model.Proto, Is.EqualTo(before));
        Assert.That(model.Normalization, Is.Null);
        Assert.That(normalized.Normalization!.Changed, Is.True);
    }

    [Test]
    public void ModelOnnxRuntimeCannotLoadIsStillHoistedWithANote()
    {
        var model = Model(13, [("x", [2])], ["y"],
            ConstantNode("w", TensorValue(FloatTensor("", [1f, 2f], 2))),
            new NodeProto { OpType = "NoSuchOp", Domain = "com.example", Name = "custom", Input = { "x", "w" }, Output = { "y" } });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        var normalized = OnnxModel.FromProto(model);
        var report = ModelNormalizer.Normalize(normalized);
        Assert.That(report.ConstantsHoisted, Is.EqualTo(1));
        Assert.That(report.Notes, Has.Some.Contains("shape inference unavailable"));
        Assert.That(report.TensorShapes, Is.Empty);
    }
}
