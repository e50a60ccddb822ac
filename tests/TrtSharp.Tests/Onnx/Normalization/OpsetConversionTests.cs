using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tests.Quantization.Precision;
using static TrtSharp.Tests.Onnx.Normalization.OldOpsetModels;
using static TrtSharp.Tests.Quantization.Precision.ModelBuilder;

namespace TrtSharp.Tests.Onnx.Normalization;

/// <summary>
/// Each operator whose signature or meaning changed between opset 7 and 13: a tiny model at the old opset runs on
/// ONNX Runtime, is converted, runs again at opset 13, and both runs must agree.
/// </summary>
[TestFixture]
public class OpsetConversionTests
{
    private static NormalizationReport ConvertAndCompare(ModelProto old, string expectedOp, double tolerance = 1e-6, long dynamic = 2)
    {
        var model = OnnxModel.FromProto(old.Clone());
        var report = ModelNormalizer.Normalize(model);
        Assert.That(model.OpsetImports[""], Is.EqualTo(13));
        Assert.That(report.OriginalOpset, Is.EqualTo(old.OpsetImport[0].Version));
        Assert.That(report.Opset, Is.EqualTo(13));
        Assert.That(report.Conversions, Has.Some.StartsWith(expectedOp), string.Join("\n", report.Conversions));
        for (int seed = 1; seed <= 2; seed++)
        {
            AssertSameOutputs(old, model.Proto, Sample(old, seed * 10, dynamic), tolerance);
        }
        return report;
    }

    [TestCase(7, -0.5f, 0.3f)]
    [TestCase(9, float.NaN, 0.3f)]
    [TestCase(10, -0.2f, float.NaN)]
    public void ClipBoundsMoveToInputs(int opset, float min, float max)
    {
        var attrs = new List<AttributeProto>();
        if (!float.IsNaN(min)) { attrs.Add(Float("min", min)); }
        if (!float.IsNaN(max)) { attrs.Add(Float("max", max)); }
        var old = Model(opset, [("x", [2, 3, 4])], ["y"], Node("Clip", ["x"], ["y"], [.. attrs]));
        var model = OnnxModel.FromProto(old.Clone());
        ConvertAndCompare(old, "Clip");
        ModelNormalizer.Normalize(model);
        var clip = model.Proto.Graph.Node.Single(n => n.OpType == "Clip");
        Assert.That(clip.Attribute, Is.Empty);
    }

    [Test]
    public void SqueezeAndUnsqueezeAxesMoveToInputs()
    {
        var old = Model(11, [("x", [2, 1, 3, 1])], ["y"],
            Node("Squeeze", ["x"], ["s"], Ints("axes", 1, 3)),
            Node("Unsqueeze", ["s"], ["y"], Ints("axes", 0, -1)));
        ConvertAndCompare(old, "Squeeze");
        ConvertAndCompare(old, "Unsqueeze");
    }

    [TestCase(0)]
    [TestCase(1)]
    public void ReduceSumAxesMoveToInput(int keepdims)
    {
        var old = Model(11, [("x", [2, 3, 4])], ["y"], Node("ReduceSum", ["x"], ["y"], Ints("axes", 0, 2), Int("keepdims", keepdims)));
        ConvertAndCompare(old, "ReduceSum", 1e-5);
    }

    [Test]
    public void SplitSizesMoveToInput()
    {
        var old = Model(11, [("x", [2, 6])], ["a", "b", "c"], Node("Split", ["x"], ["a", "b", "c"], Int("axis", 1), Ints("split", 1, 2, 3)));
        ConvertAndCompare(old, "Split");
    }

    [TestCase("Softmax", 1)]
    [TestCase("Softmax", 0)]
    [TestCase("LogSoftmax", 1)]
    [TestCase("Hardmax", 1)]
    public void SoftmaxFamilyKeepsItsFlattenedMeaning(string op, int axis)
    {
        var old = Model(11, [("x", [2, 3, 4])], ["y"], Node(op, ["x"], ["y"], Int("axis", axis)));
        var report = ConvertAndCompare(old, op, 1e-6);
        Assert.That(report.Conversions.Single(), Does.Contain("Flatten"));
    }

    [Test]
    public void SoftmaxOnTheLastAxisNeedsNoReshape()
    {
        var old = Model(9, [("x", [2, 3, 4])], ["y"], Node("Softmax", ["x"], ["y"], Int("axis", 2)));
        var model = OnnxModel.FromProto(old.Clone());
        ConvertAndCompare(old, "Softmax");
        ModelNormalizer.Normalize(model);
        Assert.That(model.Proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Softmax" }));
    }

    [Test]
    public void SoftmaxWithDynamicBatchReshapesToTheRuntimeShape()
    {
        var old = Model(11, [("x", [-1, 3, 4])], ["y"], Node("LogSoftmax", ["x"], ["y"]));
        ConvertAndCompare(old, "LogSoftmax", 1e-6, dynamic: 5);
    }

    [TestCase(7, "nearest")]
    [TestCase(7, "linear")]
    public void UpsampleWithScaleAttributeBecomesResize(int opset, string mode)
    {
        var old = Model(opset, [("x", [1, 2, 3, 4])], ["y"], Node("Upsample", ["x"], ["y"], String("mode", mode), Floats("scales", 1, 1, 2, 3)));
        ConvertAndCompare(old, "Upsample", 1e-5);
    }

    [TestCase(9, "Upsample", "nearest", 2f)]
    [TestCase(9, "Upsample", "linear", 2f)]
    [TestCase(10, "Resize", "nearest", 2f)]
    [TestCase(10, "Resize", "nearest", 0.5f)]
    [TestCase(10, "Resize", "linear", 2f)]
    [TestCase(10, "Resize", "linear", 0.5f)]
    public void ScalesInputResizesMatch(int opset, string op, string mode, float scale)
    {
        var old = Model(opset, [("x", [1, 2, 4, 6])], ["y"], Node(op, ["x", "scales"], ["y"], String("mode", mode)));
        old.Graph.Initializer.Add(FloatTensor("scales", [1, 1, scale, scale], 4));
        ConvertAndCompare(old, op, 1e-5);
    }

    [TestCase("constant", 1.5f)]
    [TestCase("constant", 0f)]
    [TestCase("reflect", 0f)]
    [TestCase("edge", 0f)]
    public void PadAttributesMoveToInputs(string mode, float value)
    {
        var old = Model(7, [("x", [1, 2, 3, 4])], ["y"], Node("Pad", ["x"], ["y"], String("mode", mode), Ints("pads", 0, 0, 1, 2, 0, 0, 2, 1), Float("value", value)));
        ConvertAndCompare(old, "Pad");
    }

    [Test]
    public void BatchNormalizationSpatialAttributeIsDropped()
    {
        var old = Model(7, [("x", [2, 3, 4, 4])], ["y"], Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], Int("spatial", 1), Float("epsilon", 1e-3f)));
        old.Graph.Initializer.Add(FloatTensor("s", Random(3, 1), 3));
        old.Graph.Initializer.Add(FloatTensor("b", Random(3, 2), 3));
        old.Graph.Initializer.Add(FloatTensor("m", Random(3, 3), 3));
        old.Graph.Initializer.Add(FloatTensor("v", [.. Random(3, 4).Select(v => Math.Abs(v) + 0.5f)], 3));
        ConvertAndCompare(old, "BatchNormalization", 1e-5);
    }

    [Test]
    public void PerActivationBatchNormalizationIsRefusedByNameAtLoad()
    {
        var old = Model(7, [("x", [2, 3])], ["y"], Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], Int("spatial", 0)));
        foreach (string n in new[] { "s", "b", "m", "v" })
        {
            old.Graph.Initializer.Add(FloatTensor(n, [1, 1, 1], 3));
        }
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "bn.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(old));
        var ex = Assert.Throws<OpsetConversionException>(() => OnnxModel.LoadNormalized(path))!;
        Assert.That(ex.Message, Does.Contain("batchnormalization_y").And.Contain("spatial = 0").And.Contain("opset 7 to 13").And.Contain(path));
    }

    [TestCase(7)]
    [TestCase(10)]
    public void InferenceDropoutBecomesIdentity(int opset)
    {
        var old = Model(opset, [("x", [2, 3])], ["y"], Node("Dropout", ["x"], ["d"], Float("ratio", 0.3f)), Node("Relu", ["d"], ["y"]));
        ConvertAndCompare(old, "Dropout");
    }

    [Test]
    public void DropoutWhoseMaskIsReadKeepsItAsInput()
    {
        var old = Model(10, [("x", [2, 3])], ["y", "mask"], Node("Dropout", ["x"], ["y", "mask"], Float("ratio", 0.3f)));
        var model = OnnxModel.FromProto(old.Clone());
        ConvertAndCompare(old, "Dropout");
        ModelNormalizer.Normalize(model);
        Assert.That(model.Proto.Graph.Node.Single().Input, Has.Count.EqualTo(2));
    }

    [Test]
    public void SliceAndTopKAttributesMoveToInputs()
    {
        var old = Model(9, [("x", [3, 8])], ["y", "values"],
            Node("Slice", ["x"], ["y"], Ints("starts", 1, 2), Ints("ends", 3, 100), Ints("axes", 0, 1)),
            Node("TopK", ["x"], ["values", "indices"], Int("k", 3)));
        ConvertAndCompare(old, "Slice");
        ConvertAndCompare(old, "TopK");
    }

    [Test]
    public void ScatterBecomesScatterElements()
    {
        var old = Model(9, [("x", [3, 3]), ("u", [2, 3])], ["y"], Node("Scatter", ["x", "i", "u"], ["y"], Int("axis", 0)));
        old.Graph.Initializer.Add(Int64Tensor("i", [1, 0, 2, 0, 2, 1], 2, 3));
        ConvertAndCompare(old, "Scatter");
    }

    [Test]
    public void NothingToConvertLeavesTheOpsetAndSaysNothingChanged()
    {
        var current = Model(13, [("x", [2, 3])], ["y"], Node("Relu", ["x"], ["y"]));
        var model = OnnxModel.FromProto(current.Clone());
        var report = ModelNormalizer.Normalize(model);
        Assert.That(report.OpsetChanged, Is.False);
        Assert.That(report.Changed, Is.False);
        Assert.That(report.Summary(), Is.EqualTo("nothing to change"));
        Assert.That(model.Proto, Is.EqualTo(current));
    }

    [Test]
    public void OpsetBeforeSixIsRefusedAndLegacyAxisBroadcastNamesTheNode()
    {
        var ancient = Model(5, [("x", [2, 3])], ["y"], Node("Relu", ["x"], ["y"]));
        Assert.That(() => ModelNormalizer.Normalize(OnnxModel.FromProto(ancient)),
            Throws.TypeOf<ModelFormatException>().With.Message.Contains("opset 5"));

        // Opset-6 broadcasting along an axis becomes an Unsqueeze of B when both ranks are declared ...
        var axisAdd = Model(6, [("x", [2, 4])], ["y"], Node("Add", ["x", "b"], ["y"], Int("broadcast", 1), Int("axis", 0)));
        axisAdd.Graph.Initializer.Add(FloatTensor("b", [1, 2], 2));
        var converted = OnnxModel.FromProto(axisAdd.Clone());
        ModelNormalizer.Normalize(converted);
        var sum = OrtHarness.Run(converted.Proto, new OrtHarness.Sample(new() { ["x"] = (new float[8], [2, 4]) }))["y"];
        Assert.That(sum, Is.EqualTo(new float[] { 1, 1, 1, 1, 2, 2, 2, 2 }));

        // ... and is refused, naming the node, when they are not.
        axisAdd.Graph.Input[0].Type.TensorType.Shape = null;
        Assert.That(() => ModelNormalizer.Normalize(OnnxModel.FromProto(axisAdd)),
            Throws.TypeOf<OpsetConversionException>().With.Message.Contains("'add_y'").And.Message.Contains("axis"));

        // Trailing-aligned legacy broadcasting is what numpy-style broadcasting does: the attribute just goes.
        var plain = Model(6, [("x", [2, 4])], ["y"], Node("Add", ["x", "b"], ["y"], Int("broadcast", 1)));
        plain.Graph.Initializer.Add(FloatTensor("b", [1, 2, 3, 4], 4));
        var model = OnnxModel.FromProto(plain);
        ModelNormalizer.Normalize(model);
        Assert.That(model.Proto.Graph.Node.Single().Attribute, Is.Empty);
        var y = OrtHarness.Run(model.Proto, new OrtHarness.Sample(new() { ["x"] = (new float[8], [2, 4]) }))["y"];
        Assert.That(y, Is.EqualTo(new float[] { 1, 2, 3, 4, 1, 2, 3, 4 }));
    }
}
