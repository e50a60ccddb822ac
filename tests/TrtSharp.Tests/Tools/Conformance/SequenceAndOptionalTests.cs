using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;
using TrtSharp.Tools.Conformance;

namespace TrtSharp.Tests.Tools.Conformance;

/// <summary>Sequence and optional values: read from ONNX test data, run through ONNX Runtime, compared.</summary>
[TestFixture]
public class SequenceAndOptionalTests
{
    private const string Node = "/usr/share/libonnx-testdata/data/node";

    private static TypeProto DeclaredInput(string testCase, int index) =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes($"{Node}/{testCase}/model.onnx")).Graph.Input[index].Type;

    [Test]
    public void ASequenceFileIsReadAsItsTensors()
    {
        var value = ModelValueFile.Read($"{Node}/test_sequence_insert_at_back/test_data_set_0/input_0.pb", DeclaredInput("test_sequence_insert_at_back", 0));
        var sequence = value as SequenceValue;
        Assert.That(sequence, Is.Not.Null, value.Describe());
        Assert.That(sequence!.Elements, Has.Count.EqualTo(3));
        Assert.That(sequence.Elements.Select(e => ((TensorValue)e).Tensor.ElementType), Has.All.EqualTo(TensorElementType.Int64));
    }

    [Test]
    public void AnEmptyOptionalIsReadAsNone()
    {
        var value = ModelValueFile.Read($"{Node}/test_optional_has_element_empty/test_data_set_0/input_0.pb", DeclaredInput("test_optional_has_element_empty", 0));
        Assert.That(value, Is.EqualTo(new OptionalValue(null)));
        var present = ModelValueFile.Read($"{Node}/test_optional_get_element/test_data_set_0/input_0.pb", DeclaredInput("test_optional_get_element", 0));
        Assert.That(present, Is.TypeOf<OptionalValue>().And.Property(nameof(OptionalValue.Element)).TypeOf<TensorValue>());
    }

    [Test]
    public void ASequenceGoesThroughOnnxRuntimeAndComesBackEqual()
    {
        using var session = OnnxRuntimeSession.FromFile($"{Node}/test_identity_sequence/model.onnx");
        var input = new SequenceValue([
            new TensorValue(new HostTensor<float>([2], [1f, 2f])),
            new TensorValue(new HostTensor<float>([3], [3f, 4f, 5f])),
        ]);
        var output = session.RunValues(new Dictionary<string, ModelValue> { [session.Inputs[0].Name] = input });
        var result = output[session.Outputs[0].Name];
        Assert.That(ModelValueComparison.Compare(result, input, TrtSharp.Comparison.Tolerance.OnnxBackendDefault), Is.Null, result.Describe());
        var shorter = new SequenceValue([input.Elements[0]]);
        Assert.That(ModelValueComparison.Compare(result, shorter, TrtSharp.Comparison.Tolerance.OnnxBackendDefault), Does.Contain("2 elements, expected 1"));
    }

    [Test]
    public void AnAbsentOptionalIsNotFedAndOnnxRuntimeSeesNone()
    {
        using var session = OnnxRuntimeSession.FromFile($"{Node}/test_optional_has_element_empty/model.onnx");
        var output = session.RunValues(new Dictionary<string, ModelValue> { [session.Inputs[0].Name] = new OptionalValue(null) });
        var hasElement = (HostTensor<bool>)((TensorValue)output[session.Outputs[0].Name]).Tensor;
        Assert.That(hasElement.Data, Is.EqualTo(new[] { false }));
    }

    [Test]
    public void DropoutIsRandomOnlyInTrainingModeWithANonZeroRatio()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes($"{Node}/test_training_dropout/model.onnx"));
        var x = new HostTensor<float>([1], [1f]);
        Dictionary<string, HostTensor> Feeds(float ratio, bool training) => new()
        {
            ["x"] = x,
            ["r"] = new HostTensor<float>([], [ratio]),
            ["t"] = new HostTensor<bool>([], [training]),
        };
        Assert.Multiple(() =>
        {
            Assert.That(Nondeterminism.Of(model, Feeds(0.5f, true)), Is.EqualTo("Dropout in training mode"));
            Assert.That(Nondeterminism.Of(model, Feeds(0f, true)), Is.Null);
            Assert.That(Nondeterminism.Of(model, Feeds(0.5f, false)), Is.Null);
        });
    }
}
