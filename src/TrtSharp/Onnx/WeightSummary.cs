using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>
/// How much weight data a graph holds and where: initializers, and tensors stored in <c>Constant</c> nodes (how many
/// exporters, e.g. paddle2onnx, store every weight) — counting only initializers reports such models as weightless.
/// </summary>
/// <param name="Initializers">Initializer count.</param>
/// <param name="InitializerParameters">Elements in initializers.</param>
/// <param name="InitializerBytes">Bytes of initializer data.</param>
/// <param name="ConstantNodes">Constant nodes in the main graph.</param>
/// <param name="ConstantParameters">Elements their values hold.</param>
/// <param name="ConstantBytes">Bytes their values hold.</param>
public sealed record WeightSummary(int Initializers, long InitializerParameters, long InitializerBytes,
    int ConstantNodes, long ConstantParameters, long ConstantBytes)
{
    /// <summary>All parameters: initializers and Constant-node values.</summary>
    public long Parameters => InitializerParameters + ConstantParameters;

    /// <summary>All weight bytes: initializers and Constant-node values.</summary>
    public long Bytes => InitializerBytes + ConstantBytes;

    /// <summary>Counts <paramref name="graph"/>'s initializers and the values of its Constant nodes.</summary>
    public static WeightSummary Of(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int constants = 0;
        long constantParameters = 0, constantBytes = 0;
        foreach (OnnxNode node in graph.Nodes.Where(n => n.OpType == "Constant" && n.Domain is "" or "ai.onnx"))
        {
            constants++;
            foreach (OnnxAttribute a in node.Attributes)
            {
                (long count, long bytes) = Size(a.Proto);
                constantParameters += count;
                constantBytes += bytes;
            }
        }
        return new WeightSummary(graph.Initializers.Count, graph.Initializers.Sum(i => HostTensor.ShapeElementCount(i.Shape)), graph.InitializerBytes,
            constants, constantParameters, constantBytes);
    }

    // A Constant's value is one of: a tensor, a sparse tensor, or a float/int/string scalar or list.
    private static (long Count, long Bytes) Size(AttributeProto attribute) => attribute.Name switch
    {
        "value" when attribute.T is { } t => (HostTensor.ShapeElementCount(OnnxTensors.ShapeOf(t)), OnnxTensors.DataByteSize(t)),
        "sparse_value" when attribute.SparseTensor is { } s => (s.Values is null ? 0 : HostTensor.ShapeElementCount(OnnxTensors.ShapeOf(s.Values)),
            (s.Values is null ? 0 : OnnxTensors.DataByteSize(s.Values)) + (s.Indices is null ? 0 : OnnxTensors.DataByteSize(s.Indices))),
        "value_float" => (1, sizeof(float)),
        "value_floats" => (attribute.Floats.Count, attribute.Floats.Count * (long)sizeof(float)),
        "value_int" => (1, sizeof(long)),
        "value_ints" => (attribute.Ints.Count, attribute.Ints.Count * (long)sizeof(long)),
        "value_string" => (1, attribute.S.Length),
        "value_strings" => (attribute.Strings.Count, attribute.Strings.Sum(s => (long)s.Length)),
        _ => (0, 0),
    };
}
