using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>Small ONNX models built at test time with the generated protobuf classes.</summary>
internal static class TestModels
{
    /// <summary>A value_info with element type and shape; a string dimension is symbolic, null is unknown.</summary>
    public static ValueInfoProto Value(string name, TensorElementType type, params object?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object? d in dims)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (d is string s)
            {
                dim.DimParam = s;
            }
            else if (d is not null)
            {
                dim.DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture);
            }
            shape.Dim.Add(dim);
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null)
    {
        var node = new NodeProto { OpType = op, Name = name ?? outputs[0] + "_node" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    public static ModelProto Model(GraphProto graph, int opset = 17)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "TrtSharp.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    public static TensorProto Scalar(string name, float value)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorElementType.Float };
        t.FloatData.Add(value);
        return t;
    }

    /// <summary>x[batch, 4] → Relu → r → Mul(by 2) → y[batch, 4].</summary>
    public static ModelProto ReluMul(bool withValueInfo = false)
    {
        var graph = new GraphProto { Name = "relu_mul" };
        graph.Input.Add(Value("x", TensorElementType.Float, "batch", 4));
        graph.Output.Add(Value("y", TensorElementType.Float, "batch", 4));
        graph.Initializer.Add(Scalar("two", 2f));
        graph.Node.Add(Node("Relu", ["x"], ["r"]));
        graph.Node.Add(Node("Mul", ["r", "two"], ["y"]));
        if (withValueInfo)
        {
            graph.ValueInfo.Add(Value("r", TensorElementType.Float, "batch", 4));
        }
        return Model(graph);
    }

    /// <summary>x[n] float → Relu → r; Shape(x) → s int64[1]; Neg(r) → y. Has a non-float intermediate.</summary>
    public static ModelProto WithIntegerIntermediate()
    {
        var graph = new GraphProto { Name = "mixed" };
        graph.Input.Add(Value("x", TensorElementType.Float, "n"));
        graph.Output.Add(Value("y", TensorElementType.Float, "n"));
        graph.Output.Add(Value("count", TensorElementType.Float, 1));
        graph.Node.Add(Node("Relu", ["x"], ["r"]));
        graph.Node.Add(Node("Shape", ["x"], ["s"]));
        graph.Node.Add(Node("Cast", ["s"], ["count"]));
        graph.Node[2].Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (int)TensorElementType.Float });
        graph.Node.Add(Node("Neg", ["r"], ["y"]));
        return Model(graph);
    }

    /// <summary>x → Identity → y for one element type, with a dynamic first dimension.</summary>
    public static ModelProto Identity(TensorElementType type)
    {
        var graph = new GraphProto { Name = "identity" };
        graph.Input.Add(Value("x", type, "n", 3));
        graph.Output.Add(Value("y", type, "n", 3));
        graph.Node.Add(Node("Identity", ["x"], ["y"]));
        return Model(graph, 21);
    }

    /// <summary>x float[n] → NonZero → idx int64[1, ?]: an output whose size depends on the data.</summary>
    public static ModelProto NonZero()
    {
        var graph = new GraphProto { Name = "nonzero" };
        graph.Input.Add(Value("x", TensorElementType.Float, 6));
        graph.Output.Add(Value("idx", TensorElementType.Int64, 1, null));
        graph.Node.Add(Node("NonZero", ["x"], ["idx"]));
        return Model(graph);
    }

    /// <summary>
    /// x[batch, width] → <paramref name="layers"/> × (MatMul → Add → Tanh) → y[batch, width], seeded weights: enough
    /// arithmetic that a run takes measurable time and any mixed-up buffer shows in the result.
    /// </summary>
    public static ModelProto Mlp(int layers, int width, int seed = 7)
    {
        var graph = new GraphProto { Name = "mlp" };
        graph.Input.Add(Value("x", TensorElementType.Float, "batch", width));
        graph.Output.Add(Value("y", TensorElementType.Float, "batch", width));
        string current = "x";
        for (int i = 0; i < layers; i++)
        {
            var w = new TensorProto { Name = $"w{i}", DataType = (int)TensorElementType.Float };
            w.Dims.Add([width, width]);
            w.FloatData.Add(OrtTestData.Random(width * width, seed + i, 1f / MathF.Sqrt(width)));
            var bias = new TensorProto { Name = $"b{i}", DataType = (int)TensorElementType.Float };
            bias.Dims.Add(width);
            bias.FloatData.Add(OrtTestData.Random(width, seed + 1000 + i, 0.1f));
            graph.Initializer.Add(w);
            graph.Initializer.Add(bias);
            string output = i == layers - 1 ? "y" : $"h{i}";
            graph.Node.Add(Node("MatMul", [current, $"w{i}"], [$"m{i}"]));
            graph.Node.Add(Node("Add", [$"m{i}", $"b{i}"], [$"a{i}"]));
            graph.Node.Add(Node("Tanh", [$"a{i}"], [output]));
            current = output;
        }
        return Model(graph);
    }

    public static byte[] Bytes(ModelProto model) => model.ToByteArray();
}
