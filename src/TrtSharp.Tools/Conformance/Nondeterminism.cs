using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tools.Conformance;

/// <summary>
/// Which test cases draw random numbers, so their reference values (from NumPy's generator) cannot be reproduced
/// and only output types and shapes are checked.
/// </summary>
internal static class Nondeterminism
{
    /// <summary>Operators whose outputs are random by definition.</summary>
    public static IReadOnlySet<string> RandomOperators { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Bernoulli", "Multinomial", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
    };

    /// <summary>
    /// Why <paramref name="model"/> run on <paramref name="feeds"/> is nondeterministic ("Bernoulli",
    /// "Dropout in training mode"), or null when it is not. Dropout counts only when training mode is on and
    /// the ratio is not zero (with ratio 0 it is the identity).
    /// </summary>
    public static string? Of(ModelProto model, IReadOnlyDictionary<string, HostTensor> feeds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(feeds);
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        HostTensor? Lookup(string name) =>
            feeds.TryGetValue(name, out var fed) ? fed
            : initializers.TryGetValue(name, out var init) ? OnnxTensors.ToHostTensor(init) : null;

        foreach (NodeProto node in AllNodes(model.Graph))
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                continue;
            }
            if (RandomOperators.Contains(node.OpType))
            {
                return node.OpType;
            }
            if (node.OpType == "Dropout" && node.Input.Count >= 3 && node.Input[2].Length > 0)
            {
                // Unknown values (computed inside the graph) are assumed to switch training on.
                bool training = Lookup(node.Input[2]) is not HostTensor<bool> mode || mode.Data.Any(b => b);
                double ratio = node.Input.Count >= 2 && node.Input[1].Length > 0
                    ? Lookup(node.Input[1]) switch
                    {
                        HostTensor<float> r => r.Data.FirstOrDefault(),
                        HostTensor<double> r => r.Data.FirstOrDefault(),
                        _ => 0.5,
                    }
                    : 0.5;
                if (training && ratio != 0)
                {
                    return "Dropout in training mode";
                }
            }
        }
        return null;
    }

    private static IEnumerable<NodeProto> AllNodes(GraphProto graph)
    {
        foreach (var node in graph.Node)
        {
            yield return node;
            foreach (var attribute in node.Attribute)
            {
                foreach (var sub in attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G))
                {
                    foreach (var inner in AllNodes(sub))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }
}
