using Google.Protobuf;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Onnx.Validation;

/// <summary>Small models each broken in one known way, built from the valid Relu chain.</summary>
internal static class BrokenModels
{
    /// <summary>The valid starting point: x → Relu n0 → t0 → Relu n1 → t1 → Relu n2 → t2 (output).</summary>
    public static ModelProto Valid() => TestModels.Chain(3);

    public static ModelProto UnknownOperator()
    {
        var m = Valid();
        m.Graph.Node[1].OpType = "conv";
        return m;
    }

    /// <summary>n1 reads t1, its own output.</summary>
    public static ModelProto SelfLoop()
    {
        var m = Valid();
        m.Graph.Node[1].Input[0] = "t1";
        return m;
    }

    /// <summary>n0 reads t1 (from n1), n1 reads t0 (from n0).</summary>
    public static ModelProto Cycle()
    {
        var m = Valid();
        m.Graph.Node[0].Input[0] = "t1";
        return m;
    }

    /// <summary>n1 reads "ghost", which nothing defines.</summary>
    public static ModelProto UndefinedInput()
    {
        var m = Valid();
        m.Graph.Node[1].Input[0] = "ghost";
        return m;
    }

    /// <summary>n2 writes t0 as well as n0.</summary>
    public static ModelProto DuplicateOutput()
    {
        var m = Valid();
        m.Graph.Node[2].Output[0] = "t0";
        m.Graph.Output[0].Name = "t0";
        return m;
    }

    /// <summary>The nodes in reverse order: valid values, wrong order.</summary>
    public static ModelProto NotTopological()
    {
        var m = Valid();
        var nodes = m.Graph.Node.Reverse().ToList();
        m.Graph.Node.Clear();
        m.Graph.Node.Add(nodes);
        return m;
    }

    /// <summary>A Softmax whose 'axis' (INT) is given as a FLOAT.</summary>
    public static ModelProto WrongAttributeType()
    {
        var m = Valid();
        var softmax = new NodeProto { Name = "soft", OpType = "Softmax" };
        softmax.Input.Add("t2");
        softmax.Output.Add("s");
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Float, F = 1 });
        m.Graph.Node.Add(softmax);
        m.Graph.Output[0].Name = "s";
        return m;
    }

    /// <summary>An Add with a float[2, 4] initializer whose raw_data holds only 7 floats.</summary>
    public static ModelProto ShortInitializer()
    {
        var m = Valid();
        var bias = OnnxTensors.FromHostTensor(new HostTensor<float>([2, 4], new float[8]), "bias");
        bias.ClearRawData();
        bias.FloatData.Clear();
        bias.RawData = ByteString.CopyFrom(new byte[7 * sizeof(float)]);
        m.Graph.Initializer.Add(bias);
        var add = new NodeProto { Name = "add_bias", OpType = "Add" };
        add.Input.Add(["t2", "bias"]);
        add.Output.Add("y");
        m.Graph.Node.Add(add);
        m.Graph.Output[0].Name = "y";
        return m;
    }

    /// <summary>Gelu (opset 20) in a model that imports opset 17.</summary>
    public static ModelProto OperatorTooNew()
    {
        var m = Valid();
        m.Graph.Node[2].OpType = "Gelu";
        return m;
    }

    /// <summary>
    /// An If whose branches read 't0' from the outer graph (valid), and a second If whose branch reads
    /// 'nowhere' (undefined in every scope).
    /// </summary>
    public static ModelProto Subgraphs(bool brokenBranch)
    {
        var m = Valid();
        m.Graph.Input.Add(OnnxTypes.ToValueInfo(new TensorDescriptor("cond", TensorElementType.Bool, [])));
        GraphProto Branch(string name, string reads)
        {
            var g = new GraphProto { Name = name };
            var id = new NodeProto { Name = name + "_id", OpType = "Identity" };
            id.Input.Add(reads);
            id.Output.Add(name + "_out");
            g.Node.Add(id);
            g.Output.Add(OnnxTypes.ToValueInfo(new TensorDescriptor(name + "_out", TensorElementType.Float, [2, 4])));
            return g;
        }
        var iff = new NodeProto { Name = "choose", OpType = "If" };
        iff.Input.Add("cond");
        iff.Output.Add("chosen");
        iff.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = Branch("then", "t0") });
        iff.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = Branch("else", brokenBranch ? "nowhere" : "t1") });
        m.Graph.Node.Add(iff);
        m.Graph.Output.Add(OnnxTypes.ToValueInfo(new TensorDescriptor("chosen", TensorElementType.Float, [2, 4])));
        return m;
    }
}
