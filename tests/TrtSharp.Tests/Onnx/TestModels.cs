using Google.Protobuf;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Onnx;

/// <summary>Small models built in code with the generated protobuf classes.</summary>
internal static class TestModels
{
    /// <summary>x (float[2, 4]) → Relu n0 → t0 → ... → Relu n{k-1} → t{k-1} (the output).</summary>
    public static ModelProto Chain(int count)
    {
        var graph = new GraphProto { Name = "chain" };
        graph.Input.Add(OnnxTypes.ToValueInfo(new TensorDescriptor("x", TensorElementType.Float, [2, 4])));
        string previous = "x";
        for (int i = 0; i < count; i++)
        {
            var node = new NodeProto { Name = $"n{i}", OpType = "Relu" };
            node.Input.Add(previous);
            node.Output.Add($"t{i}");
            graph.Node.Add(node);
            previous = $"t{i}";
        }
        graph.Output.Add(OnnxTypes.ToValueInfo(new TensorDescriptor(previous, TensorElementType.Float, [2, 4])));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "trtsharp-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    /// <summary>y = MatMul(x, W) + B with W float[rows, cols] and B float[cols], seeded random weights.</summary>
    public static ModelProto Linear(int rows, int cols, int seed, out float[] weights, out float[] bias)
    {
        var random = new Random(seed);
        weights = new float[rows * cols];
        bias = new float[cols];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() * 2 - 1);
        }
        for (int i = 0; i < bias.Length; i++)
        {
            bias[i] = i * 0.25f;
        }
        var graph = new GraphProto { Name = "linear" };
        graph.Input.Add(OnnxTypes.ToValueInfo(new TensorDescriptor("x", TensorElementType.Float, [-1, rows], ["batch", null])));
        graph.Initializer.Add(OnnxTensors.FromHostTensor(new HostTensor<float>([rows, cols], weights), "W"));
        graph.Initializer.Add(OnnxTensors.FromHostTensor(new HostTensor<float>([cols], bias), "B"));
        var matmul = new NodeProto { Name = "mm", OpType = "MatMul" };
        matmul.Input.Add(["x", "W"]);
        matmul.Output.Add("xw");
        var add = new NodeProto { Name = "add", OpType = "Add" };
        add.Input.Add(["xw", "B"]);
        add.Output.Add("y");
        graph.Node.Add([matmul, add]);
        graph.Output.Add(OnnxTypes.ToValueInfo(new TensorDescriptor("y", TensorElementType.Float, [-1, cols], ["batch", null])));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    /// <summary>Marks initializer <paramref name="name"/> external at <paramref name="location"/> (data not written).</summary>
    public static void MakeExternal(ModelProto model, string name, string location, long offset = 0)
    {
        var t = model.Graph.Initializer.Single(i => i.Name == name);
        long length = t.RawData.Length;
        t.RawData = ByteString.Empty;
        t.ClearRawData();
        t.DataLocation = TensorProto.Types.DataLocation.External;
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
