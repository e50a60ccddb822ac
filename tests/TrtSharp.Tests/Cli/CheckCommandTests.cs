using System.Text.Json;
using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tests.Onnx.Validation;

namespace TrtSharp.Tests.Cli;

[TestFixture]
public class CheckCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-cli-check").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string Save(string name, ModelProto model)
    {
        string path = Path.Combine(_dir, name + ".onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    public static IEnumerable<TestCaseData> Broken()
    {
        yield return new TestCaseData(nameof(BrokenModels.UnknownOperator), "unknown-operator", "n1");
        yield return new TestCaseData(nameof(BrokenModels.SelfLoop), "self-loop", "n1");
        yield return new TestCaseData(nameof(BrokenModels.Cycle), "cycle", "n0");
        yield return new TestCaseData(nameof(BrokenModels.UndefinedInput), "undefined-input", "n1");
        yield return new TestCaseData(nameof(BrokenModels.DuplicateOutput), "duplicate-output", "n2");
        yield return new TestCaseData(nameof(BrokenModels.WrongAttributeType), "attribute-type", "soft");
        yield return new TestCaseData(nameof(BrokenModels.ShortInitializer), "tensor-data", null);
    }

    [TestCaseSource(nameof(Broken))]
    public void CheckReportsTheProblemWithItsNodeAndExitsOne(string broken, string kind, string? node)
    {
        var model = (ModelProto)typeof(BrokenModels).GetMethod(broken)!.Invoke(null, null)!;
        string path = Save(broken, model);
        var run = CliRun.Of("check", path, "--json", "-");
        run.AssertExit(1);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.That(doc.RootElement.GetProperty("valid").GetBoolean(), Is.False);
        var problems = doc.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("kind").GetString(), p.GetProperty("node").ValueKind == JsonValueKind.Null ? null : p.GetProperty("node").GetString()))
            .ToList();
        Assert.That(problems, Does.Contain((kind, node)), run.Out);

        var table = CliRun.Of("check", path);
        table.AssertExit(1);
        Assert.That(table.Out, Does.Contain(kind).And.Contain(" problem"));
    }

    [Test]
    public void ACleanModelChecksWithExitZero()
    {
        var run = CliRun.Of("check", Save("valid", BrokenModels.Valid()));
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("no problems (3 nodes)"));
    }

    [Test]
    public void InspectListsProblemsAndExitsOne()
    {
        var broken = CliRun.Of("inspect", Save("conv", BrokenModels.UnknownOperator()));
        broken.AssertExit(1);
        Assert.That(broken.Out, Does.Contain("problems").And.Contain("'conv' is not an operator of ai.onnx"));

        var json = CliRun.Of("inspect", Save("cycle", BrokenModels.Cycle()), "--json", "-");
        json.AssertExit(1);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.That(doc.RootElement.GetProperty("problems")[0].GetProperty("kind").GetString(), Is.EqualTo("cycle"));

        var clean = CliRun.Of("inspect", Save("valid", BrokenModels.Valid()));
        clean.AssertExit(0);
        Assert.That(clean.Out, Does.Contain("problems: none"));
    }

    [Test]
    public void WithOrtAModelOnnxRuntimeRefusesIsAProblem()
    {
        // Valid ONNX (opset 6 Add), but ONNX Runtime no longer implements Add-6.
        const string model = "/usr/share/libonnx-testdata/data/pytorch-operator/test_operator_add_broadcast/model.onnx";
        CliRun.Of("check", model).AssertExit(0);
        var run = CliRun.Of("check", model, "--ort", "--json", "-");
        run.AssertExit(1);
        using var doc = JsonDocument.Parse(run.Out);
        var problem = doc.RootElement.GetProperty("problems").EnumerateArray().Single();
        Assert.That(problem.GetProperty("kind").GetString(), Is.EqualTo("runtime-refused"));
        Assert.That(problem.GetProperty("message").GetString(), Does.Contain("Could not find an implementation for Add(6)"));
        CliRun.Of("check", Save("valid", BrokenModels.Valid()), "--ort").AssertExit(0);
    }

    [Test]
    public void AnInitializerWithAnAbsurdShapeIsAProblemForCheckAndBadInputForInspect()
    {
        var model = BrokenModels.Valid();
        var huge = new TensorProto { Name = "huge", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.Empty };
        huge.Dims.Add([1L << 40, 1L << 40]);
        model.Graph.Initializer.Add(huge);
        string path = Save("huge", model);
        var run = CliRun.Of("check", path);
        run.AssertExit(1);
        Assert.That(run.Out, Does.Contain("tensor-data").And.Contain("'huge'"));
        CliRun.Of("inspect", path).AssertOneLineError("huge");
    }

    [Test]
    public void ANonModelIsBadInputNotAProblem()
    {
        string path = Path.Combine(_dir, "text.onnx");
        File.WriteAllText(path, "not a model");
        CliRun.Of("check", path).AssertOneLineError(path);
    }
}
