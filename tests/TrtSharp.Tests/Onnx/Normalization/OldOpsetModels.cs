using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tests.Quantization.Precision;

namespace TrtSharp.Tests.Onnx.Normalization;

/// <summary>Tiny models at a chosen opset for the normalization tests, and the ONNX Runtime comparison they share.</summary>
internal static class OldOpsetModels
{
    public static ModelProto Model(long opset, (string Name, long[] Dims)[] inputs, string[] outputs, params NodeProto[] nodes)
    {
        var graph = new GraphProto { Name = "old" };
        foreach (var (name, dims) in inputs)
        {
            var shape = new TensorShapeProto();
            foreach (long d in dims)
            {
                shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
            }
            graph.Input.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            });
        }
        foreach (string o in outputs)
        {
            graph.Output.Add(new ValueInfoProto { Name = o });
        }
        graph.Node.AddRange(nodes);
        var model = new ModelProto { IrVersion = 5, ProducerName = "TrtSharp.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    public static TensorProto Int64Tensor(string name, long[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        return t;
    }

    /// <summary>Random inputs matching the model's declared float inputs (dynamic dimensions become <paramref name="dynamic"/>).</summary>
    public static OrtHarness.Sample Sample(ModelProto model, int seed, long dynamic = 2)
    {
        var inputs = new Dictionary<string, (float[] Data, long[] Shape)>();
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        foreach (var input in model.Graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            long[] shape = [.. input.Type.TensorType.Shape.Dim.Select(d => d.HasDimValue ? d.DimValue : dynamic)];
            inputs[input.Name] = (ModelBuilder.Random((int)shape.Aggregate(1L, (a, b) => a * b), seed++, 3f), shape);
        }
        return new OrtHarness.Sample(inputs);
    }

    /// <summary>Runs <paramref name="before"/> and <paramref name="after"/> on ONNX Runtime with the same inputs and checks every float output matches.</summary>
    public static void AssertSameOutputs(ModelProto before, ModelProto after, OrtHarness.Sample sample, double tolerance = 1e-6)
    {
        var expected = OrtHarness.Run(before, sample);
        var actual = OrtHarness.Run(after, sample);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, values) in expected)
        {
            Assert.That(actual[name], Has.Length.EqualTo(values.Length), name);
            for (int i = 0; i < values.Length; i++)
            {
                Assert.That(actual[name][i], Is.EqualTo(values[i]).Within(tolerance).Or.EqualTo(values[i]), $"{name}[{i}]");
            }
        }
    }
}
