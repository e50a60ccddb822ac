using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.Cli;

/// <summary>Small models for the CLI tests, written to a temporary folder.</summary>
internal static class CliModels
{
    public const string Conv2d = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx";

    /// <summary>x[1,4] → Relu → r → Add(c) → m → Mul(2) → y[1,4]; <paramref name="c"/> is the middle node's constant.</summary>
    public static ModelProto Chain(float[] c, string outputName = "y")
    {
        var graph = new GraphProto { Name = "chain" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, 4));
        graph.Output.Add(TestModels.Value(outputName, TensorElementType.Float, 1, 4));
        var constant = new TensorProto { Name = "c", DataType = (int)TensorElementType.Float };
        constant.Dims.Add(4);
        constant.FloatData.Add(c);
        graph.Initializer.Add(constant);
        graph.Initializer.Add(TestModels.Scalar("two", 2f));
        graph.Node.Add(TestModels.Node("Relu", ["x"], ["r"], "relu"));
        graph.Node.Add(TestModels.Node("Add", ["r", "c"], ["m"], "add"));
        graph.Node.Add(TestModels.Node("Mul", ["m", "two"], [outputName], "mul"));
        return TestModels.Model(graph);
    }

    public static readonly float[] C = [0.1f, 0.2f, 0.3f, 0.4f];

    /// <summary>The chain with c[2] raised by 0.5: m differs by exactly 0.5 at index 2, y by exactly 1.0.</summary>
    public static ModelProto PerturbedChain() => Chain([0.1f, 0.2f, 0.8f, 0.4f]);

    /// <summary>x[1,4] → Sqrt → y (NaN for negative x), or with <paramref name="abs"/> first (never NaN).</summary>
    public static ModelProto Sqrt(bool abs)
    {
        var graph = new GraphProto { Name = "sqrt" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, 4));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, 1, 4));
        if (abs)
        {
            graph.Node.Add(TestModels.Node("Abs", ["x"], ["a"]));
            graph.Node.Add(TestModels.Node("Sqrt", ["a"], ["y"]));
        }
        else
        {
            graph.Node.Add(TestModels.Node("Sqrt", ["x"], ["y"]));
        }
        return TestModels.Model(graph);
    }

    /// <summary>x[1,4] → Concat(x, x) → y[1,8]: same output name as the chain, other shape.</summary>
    public static ModelProto Doubled()
    {
        var graph = new GraphProto { Name = "doubled" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 1, 4));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, 1, 8));
        NodeProto concat = TestModels.Node("Concat", ["x", "x"], ["y"]);
        concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(concat);
        return TestModels.Model(graph);
    }

    public static string Save(string folder, string name, ModelProto model)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
