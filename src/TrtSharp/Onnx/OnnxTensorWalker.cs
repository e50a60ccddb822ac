using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>Enumerates every dense tensor a model holds: initializers and tensor attributes, in subgraphs too.</summary>
internal static class OnnxTensorWalker
{
    public static IEnumerable<TensorProto> AllTensors(ModelProto model)
    {
        if (model.Graph is not null)
        {
            foreach (var t in AllTensors(model.Graph))
            {
                yield return t;
            }
        }
        foreach (var function in model.Functions)
        {
            foreach (var node in function.Node)
            {
                foreach (var t in AttributeTensors(node))
                {
                    yield return t;
                }
            }
        }
    }

    public static IEnumerable<TensorProto> AllTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer)
        {
            yield return t;
        }
        foreach (var sparse in graph.SparseInitializer)
        {
            if (sparse.Values is not null)
            {
                yield return sparse.Values;
            }
            if (sparse.Indices is not null)
            {
                yield return sparse.Indices;
            }
        }
        foreach (var node in graph.Node)
        {
            foreach (var t in AttributeTensors(node))
            {
                yield return t;
            }
        }
    }

    private static IEnumerable<TensorProto> AttributeTensors(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.T is not null)
            {
                yield return attribute.T;
            }
            foreach (var t in attribute.Tensors)
            {
                yield return t;
            }
            if (attribute.G is not null)
            {
                foreach (var t in AllTensors(attribute.G))
                {
                    yield return t;
                }
            }
            foreach (var g in attribute.Graphs)
            {
                foreach (var t in AllTensors(g))
                {
                    yield return t;
                }
            }
        }
    }
}
