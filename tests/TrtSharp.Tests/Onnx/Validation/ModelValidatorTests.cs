using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Onnx.Validation;

namespace TrtSharp.Tests.Onnx.Validation;

[TestFixture]
public class ModelValidatorTests
{
    private static IReadOnlyList<ModelProblem> Problems(ModelProto model) => ModelValidator.Validate(OnnxModel.FromProto(model));

    [Test]
    public void TheValidChainHasNoProblems()
    {
        Assert.That(Problems(BrokenModels.Valid()), Is.Empty);
        Assert.That(Problems(BrokenModels.Subgraphs(brokenBranch: false)), Is.Empty, "branches may read outer-scope values");
    }

    [Test]
    public void AnUnknownOperatorIsNamedWithTheLikelyIntendedOne()
    {
        var p = Problems(BrokenModels.UnknownOperator()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(p.Kind, Is.EqualTo(ModelProblemKind.UnknownOperator));
            Assert.That(p.Node, Is.EqualTo("n1"));
            Assert.That(p.Message, Does.Contain("'conv' is not an operator of ai.onnx").And.Contain("did you mean 'Conv'"));
        });
    }

    [Test]
    public void ANodeReadingItsOwnOutputIsASelfLoop()
    {
        var problems = Problems(BrokenModels.SelfLoop());
        Assert.That(problems.Select(p => (p.Kind, p.Node)), Does.Contain((ModelProblemKind.SelfLoop, (string?)"n1")), string.Join("\n", problems));
        Assert.That(problems.Single(p => p.Kind == ModelProblemKind.SelfLoop).Message, Does.Contain("'t1'"));
    }

    [Test]
    public void ACycleNamesTheNodesOnIt()
    {
        var problems = Problems(BrokenModels.Cycle());
        var cycle = problems.Single(p => p.Kind == ModelProblemKind.Cycle);
        Assert.That(cycle.Message, Does.Contain("'n0'").And.Contain("'n1'").And.Not.Contain("'n2'"), "n2 only depends on the cycle");
        Assert.That(problems.Where(p => p.Kind != ModelProblemKind.Cycle), Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void AnInputNothingDefinesIsUndefined()
    {
        var p = Problems(BrokenModels.UndefinedInput()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(p.Kind, Is.EqualTo(ModelProblemKind.UndefinedInput));
            Assert.That(p.Node, Is.EqualTo("n1"));
            Assert.That(p.Message, Does.Contain("'ghost'"));
        });
    }

    [Test]
    public void AValueProducedTwiceIsADuplicateOutput()
    {
        var p = Problems(BrokenModels.DuplicateOutput()).Single(p => p.Kind == ModelProblemKind.DuplicateOutput);
        Assert.That(p.Node, Is.EqualTo("n2"));
        Assert.That(p.Message, Does.Contain("'t0'").And.Contain("'n0'"));
    }

    [Test]
    public void NodesOutOfOrderAreReported()
    {
        var problems = Problems(BrokenModels.NotTopological());
        Assert.That(problems.Select(p => p.Kind), Is.All.EqualTo(ModelProblemKind.NotTopological));
        Assert.That(problems.Select(p => p.Node), Is.EquivalentTo(new[] { "n2", "n1" }));
    }

    [Test]
    public void AnAttributeOfTheWrongTypeIsReported()
    {
        var p = Problems(BrokenModels.WrongAttributeType()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(p.Kind, Is.EqualTo(ModelProblemKind.AttributeType));
            Assert.That(p.Node, Is.EqualTo("soft"));
            Assert.That(p.Message, Does.Contain("'axis' is FLOAT").And.Contain("INT"));
        });
    }

    [Test]
    public void AShortInitializerIsReportedWithItsSizes()
    {
        var p = Problems(BrokenModels.ShortInitializer()).Single();
        Assert.That(p.Kind, Is.EqualTo(ModelProblemKind.TensorData));
        Assert.That(p.Message, Does.Contain("'bias'").And.Contain("28 bytes").And.Contain("32"));
    }

    [Test]
    public void TypedDataWithTooFewValuesIsReported()
    {
        var m = BrokenModels.Valid();
        var t = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add([2, 3]);
        t.FloatData.Add([1, 2, 3]);
        m.Graph.Initializer.Add(t);
        var p = Problems(m).Single();
        Assert.That(p.Message, Does.Contain("float_data").And.Contain("'w'"));
    }

    [Test]
    public void AnOperatorNewerThanTheImportedOpsetIsReported()
    {
        var p = Problems(BrokenModels.OperatorTooNew()).Single();
        Assert.That(p.Kind, Is.EqualTo(ModelProblemKind.OperatorTooNew));
        Assert.That(p.Message, Does.Contain("opset 20").And.Contain("imports opset 17"));
    }

    [Test]
    public void AMissingOpsetImportIsReportedAndVendorDomainsAreNotChecked()
    {
        var m = BrokenModels.Valid();
        m.Graph.Node[0].Domain = "com.microsoft";
        m.Graph.Node[0].OpType = "FusedGemm";
        Assert.That(Problems(m).Single().Kind, Is.EqualTo(ModelProblemKind.MissingOpsetImport));
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        Assert.That(Problems(m), Is.Empty, "operators of vendor domains are left to the runtime");
    }

    [Test]
    public void ASubgraphReadingAnUndefinedNameIsReportedInItsOwnGraph()
    {
        var p = Problems(BrokenModels.Subgraphs(brokenBranch: true)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(p.Kind, Is.EqualTo(ModelProblemKind.UndefinedInput));
            Assert.That(p.Graph, Is.EqualTo("main/choose.else_branch"));
            Assert.That(p.Node, Is.EqualTo("else_id"));
        });
    }

    [Test]
    public void TheCatalogHasTheStandardOperators()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OperatorCatalog.Find("", "Conv")!.Attributes["kernel_shape"], Is.EqualTo(new[] { AttributeProto.Types.AttributeType.Ints }));
            Assert.That(OperatorCatalog.Find("ai.onnx", "Upsample")!.DeprecatedAt, Is.EqualTo(10));
            Assert.That(OperatorCatalog.Find("ai.onnx.ml", "LabelEncoder"), Is.Not.Null);
            Assert.That(OperatorCatalog.Find("", "conv"), Is.Null);
            Assert.That(OperatorCatalog.All.Count(s => s.Domain == "ai.onnx"), Is.GreaterThan(190));
        });
    }
}
