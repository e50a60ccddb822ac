using System.Runtime.InteropServices;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>Reads back what the Q/DQ inserter wrote, independently of the library's own helpers.</summary>
internal static class GraphAssert
{
    public static TensorProto Init(ModelProto model, string name) =>
        model.Graph.Initializer.Single(i => i.Name == name);

    public static float[] Floats(ModelProto model, string name)
    {
        var t = Init(model, name);
        Assert.That(t.DataType, Is.EqualTo((int)TensorProto.Types.DataType.Float), name);
        return t.FloatData.Count > 0 || t.RawData.Length == 0 ? [.. t.FloatData] : MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
    }

    public static sbyte[] Int8(ModelProto model, string name)
    {
        var t = Init(model, name);
        Assert.That(t.DataType, Is.EqualTo((int)TensorProto.Types.DataType.Int8), name);
        return t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, sbyte>(t.RawData.Span).ToArray() : [.. t.Int32Data.Select(v => (sbyte)v)];
    }

    public static IEnumerable<NodeProto> Nodes(ModelProto model, string opType) => model.Graph.Node.Where(n => n.OpType == opType);

    public static NodeProto Producer(ModelProto model, string tensor) => model.Graph.Node.Single(n => n.Output.Contains(tensor));

    public static long? Axis(NodeProto node) => node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I;
}
