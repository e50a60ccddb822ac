using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Quantization.Precision;

/// <summary>Look-ups over one graph: constants, producers, consumers, graph outputs and (partially inferred) element types.</summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(NodeProto Node, int Input)>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _types = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var init in graph.Initializer)
        {
            _constants[init.Name] = init;
            _types[init.Name] = init.DataType;
            _names.Add(init.Name);
        }

        foreach (var vi in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            _names.Add(vi.Name);
            if (vi.Type?.TensorType is { HasElemType: true } tt)
            {
                _types.TryAdd(vi.Name, tt.ElemType);
            }
        }

        GraphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        GraphInputs = new HashSet<string>(graph.Input.Select(o => o.Name), StringComparer.Ordinal);

        foreach (var node in graph.Node)
        {
            _names.Add(node.Name);
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i].Length == 0)
                {
                    continue;
                }

                if (!_consumers.TryGetValue(node.Input[i], out var list))
                {
                    _consumers[node.Input[i]] = list = [];
                }

                list.Add((node, i));
            }

            foreach (var output in node.Output)
            {
                _producers[output] = node;
                _names.Add(output);
            }

            if (node.OpType == "Constant" && IsDefaultDomain(node) && node.Output.Count == 1
                && node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } value })
            {
                _constants[node.Output[0]] = value;
            }

            InferTypes(node);
        }
    }

    public GraphProto Graph { get; }

    public HashSet<string> GraphOutputs { get; }

    public HashSet<string> GraphInputs { get; }

    public static bool IsDefaultDomain(NodeProto node) => node.Domain.Length == 0 || node.Domain == "ai.onnx";

    /// <summary>The constant value of <paramref name="name"/> (initializer or Constant node), or null for a runtime tensor.</summary>
    public TensorProto? Constant(string name)
    {
        // An initializer that is also a graph input can be overridden at run time (IR &lt; 4 models list all of them),
        // but exporters only do that for weights, which is exactly how we treat them.
        return _constants.GetValueOrDefault(name);
    }

    public bool IsConstant(string name) => _constants.ContainsKey(name);

    public bool IsInitializer(string name) => Graph.Initializer.Any(i => i.Name == name);

    public NodeProto? Producer(string name) => _producers.GetValueOrDefault(name);

    public IReadOnlyList<(NodeProto Node, int Input)> Consumers(string name) =>
        _consumers.TryGetValue(name, out var list) ? list : [];

    /// <summary>ONNX element type of <paramref name="name"/>, or null when neither declared nor inferable.</summary>
    public int? ElementType(string name) => _types.TryGetValue(name, out var t) ? t : null;

    /// <summary>A tensor or node name not used anywhere in the graph yet.</summary>
    public string UniqueName(string wanted)
    {
        var name = wanted;
        for (var i = 1; !_names.Add(name); i++)
        {
            name = $"{wanted}_{i}";
        }

        return name;
    }

    // Forward element-type propagation for the common cases, so that integer/bool tensors (shape arithmetic,
    // masks) are recognised without running ONNX shape inference. Unknown stays unknown.
    private void InferTypes(NodeProto node)
    {
        if (!IsDefaultDomain(node) || node.Output.Count == 0)
        {
            return;
        }

        int? type = node.OpType switch
        {
            "Cast" => node.Attribute.FirstOrDefault(a => a.Name == "to")?.I is long to ? (int)to : null,
            "Shape" or "Size" or "NonZero" or "ArgMax" or "ArgMin" => TensorData.Int64Type,
            "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" or "Not" or "And" or "Or" or "Xor"
                or "IsNaN" or "IsInf" => TensorData.BoolType,
            "Constant" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType,
            "ConstantOfShape" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType ?? TensorData.FloatType,
            "Where" => node.Input.Count > 1 ? ElementType(node.Input[1]) : null,
            "QuantizeLinear" or "DequantizeLinear" => null,
            _ => node.Input.Count > 0 && node.Input[0].Length > 0 ? ElementType(node.Input[0]) : null,
        };

        if (type is int t)
        {
            _types.TryAdd(node.Output[0], t);
        }
    }
}
