using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// Turns main-graph <c>Constant</c> nodes into initializers, whatever <c>value*</c> attribute holds the data, so
/// every later step (calibration, Q/DQ placement, weight counts) finds weights in one place.
/// </summary>
internal static class ConstantHoisting
{
    /// <summary>Hoists what it can; returns how many nodes became initializers.</summary>
    public static int Run(ModelProto model)
    {
        var graph = model.Graph;
        var graphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        int hoisted = 0;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            // A graph output stays a node output: an initializer as graph output is not portable across runtimes.
            if (node.OpType != "Constant" || !NodeAttributes.IsDefaultDomain(node) || node.Output.Count != 1 || graphOutputs.Contains(node.Output[0]))
            {
                continue;
            }
            var tensor = ToTensor(node);
            if (tensor is null)
            {
                continue;
            }
            tensor.Name = node.Output[0];
            graph.Initializer.Add(tensor);
            graph.Node.RemoveAt(i--);
            hoisted++;
        }
        return hoisted;
    }

    /// <summary>The value of a Constant node as a dense tensor, or null when it is sparse or malformed.</summary>
    public static TensorProto? ToTensor(NodeProto node)
    {
        if (node.Attribute.Count != 1)
        {
            return null;
        }
        var a = node.Attribute[0];
        switch (a.Name)
        {
            case "value" when a.T is not null:
                return a.T.Clone();
            case "value_float":
                return new TensorProto { DataType = (int)TensorElementType.Float, RawData = ByteString.CopyFrom(BitConverter.GetBytes(a.F)) };
            case "value_int":
                return ConstantTensors.Int64("", [a.I], scalar: true);
            case "value_floats":
            {
                var t = new TensorProto { DataType = (int)TensorElementType.Float };
                t.Dims.Add(a.Floats.Count);
                t.FloatData.AddRange(a.Floats);
                return t;
            }
            case "value_ints":
                return ConstantTensors.Int64("", [.. a.Ints]);
            case "value_string":
            {
                var t = new TensorProto { DataType = (int)TensorElementType.String };
                t.StringData.Add(a.S);
                return t;
            }
            case "value_strings":
            {
                var t = new TensorProto { DataType = (int)TensorElementType.String };
                t.Dims.Add(a.Strings.Count);
                t.StringData.AddRange(a.Strings);
                return t;
            }
            default:
                // sparse_value: left as a node, ONNX Runtime densifies it itself.
                return null;
        }
    }
}
