using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>
/// The look-ups over one <see cref="GraphProto"/> at the protobuf level, for code that rewrites the graph: producers,
/// consumers with the input slot they read, constants (initializers and Constant nodes), graph outputs and
/// (partially inferred) element types. <see cref="OnnxGraph"/> answers its own questions from it. A snapshot: nodes
/// added to the graph later are not seen.
/// </summary>
internal sealed class OnnxGraphIndex
{
    private readonly NodeProto[] _nodes;
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(NodeProto Node, int Input)>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _consumerPositions = new(StringComparer.Ordinal);
    private Dictionary<string, int>? _types;

    public OnnxGraphIndex(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        _nodes = [.. graph.Node];
        foreach (var init in graph.Initializer)
        {
            _constants[init.Name] = init;
        }

        GraphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        GraphInputs = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        for (var n = 0; n < _nodes.Length; n++)
        {
            var node = _nodes[n];
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i].Length == 0)
                {
                    continue;
                }

                if (!_consumers.TryGetValue(node.Input[i], out var list))
                {
                    _consumers[node.Input[i]] = list = [];
                    _consumerPositions[node.Input[i]] = [];
                }

                list.Add((node, i));
                if (list.Count == 1 || !ReferenceEquals(list[^2].Node, node))
                {
                    _consumerPositions[node.Input[i]].Add(n);
                }
            }

            foreach (var output in node.Output)
            {
                if (output.Length > 0)
                {
                    _producers[output] = n;
                }
            }

            if (node.OpType == "Constant" && IsDefaultDomain(node) && node.Output.Count == 1
                && node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } value })
            {
                _constants[node.Output[0]] = value;
            }
        }
    }

    /// <summary>The graph indexed.</summary>
    public GraphProto Graph { get; }

    /// <summary>Names of the graph outputs.</summary>
    public IReadOnlySet<string> GraphOutputs { get; }

    /// <summary>Names of the graph's inputs (initializers listed as inputs included).</summary>
    public IReadOnlySet<string> GraphInputs { get; }

    private HashSet<string>? _handedOut;

    /// <summary>
    /// A name used nowhere in the graph and not handed out before by this index (graph rewrites that add tensors;
    /// the set is this instance's own, so an index cached with its model is never changed by it).
    /// </summary>
    public string UniqueName(string wanted) => UniqueNames.Unique(wanted, _handedOut ??= NamesInUse());

    /// <summary>Whether <paramref name="node"/> is in the default ONNX domain ("" or "ai.onnx").</summary>
    public static bool IsDefaultDomain(NodeProto node) => node.Domain.Length == 0 || node.Domain == "ai.onnx";

    /// <summary>The constant value of <paramref name="name"/> (initializer or Constant node), or null for a runtime tensor.</summary>
    /// <remarks>An initializer that is also a graph input can be overridden at run time (IR &lt; 4 models list all of
    /// them), but exporters only do that for weights, which is exactly how it is treated here.</remarks>
    public TensorProto? Constant(string name) => _constants.GetValueOrDefault(name);

    /// <summary>Whether <paramref name="name"/> has a constant value (see <see cref="Constant"/>).</summary>
    public bool IsConstant(string name) => _constants.ContainsKey(name);

    /// <summary>The node that produces <paramref name="name"/>, or null (graph input, initializer, unknown).</summary>
    public NodeProto? Producer(string name) => _producers.TryGetValue(name, out var n) ? _nodes[n] : null;

    /// <summary>Position in the node list of the producer of <paramref name="name"/>, or -1.</summary>
    public int ProducerPosition(string name) => _producers.TryGetValue(name, out var n) ? n : -1;

    /// <summary>Every input slot that reads <paramref name="name"/>, in node order (a node reading it twice appears twice).</summary>
    public IReadOnlyList<(NodeProto Node, int Input)> Consumers(string name) =>
        _consumers.TryGetValue(name, out var list) ? list : [];

    /// <summary>Positions in the node list of the nodes reading <paramref name="name"/>, each once, in node order.</summary>
    public IReadOnlyList<int> ConsumerPositions(string name) =>
        _consumerPositions.TryGetValue(name, out var list) ? list : [];

    /// <summary>ONNX element type of <paramref name="name"/>, or null when neither declared nor inferable.</summary>
    public int? ElementType(string name) => (_types ??= InferTypes()).TryGetValue(name, out var t) ? t : null;

    /// <summary>Every name the graph uses for a tensor or a node (not inside subgraphs), a fresh set.</summary>
    public HashSet<string> NamesInUse()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        names.UnionWith(Graph.Initializer.Select(i => i.Name));
        names.UnionWith(Graph.Input.Concat(Graph.Output).Concat(Graph.ValueInfo).Select(v => v.Name));
        foreach (var node in _nodes)
        {
            names.Add(node.Name);
            names.UnionWith(node.Output);
        }

        return names;
    }

    // Declared types, then forward propagation for the common cases, so that integer/bool tensors (shape arithmetic,
    // masks) are recognised without running ONNX shape inference. Unknown stays unknown.
    private Dictionary<string, int> InferTypes()
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var init in Graph.Initializer)
        {
            types[init.Name] = init.DataType;
        }

        foreach (var vi in Graph.Input.Concat(Graph.Output).Concat(Graph.ValueInfo))
        {
            if (vi.Type?.TensorType is { HasElemType: true } tt)
            {
                types.TryAdd(vi.Name, tt.ElemType);
            }
        }

        foreach (var node in _nodes)
        {
            if (!IsDefaultDomain(node) || node.Output.Count == 0)
            {
                continue;
            }

            int? Known(string input) => types.TryGetValue(input, out var t) ? t : null;
            int? type = node.OpType switch
            {
                "Cast" => node.Attribute.FirstOrDefault(a => a.Name == "to")?.I is long to ? (int)to : null,
                "Shape" or "Size" or "NonZero" or "ArgMax" or "ArgMin" => (int)TensorProto.Types.DataType.Int64,
                "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" or "Not" or "And" or "Or" or "Xor"
                    or "IsNaN" or "IsInf" => (int)TensorProto.Types.DataType.Bool,
                "Constant" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType,
                "ConstantOfShape" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType ?? (int)TensorProto.Types.DataType.Float,
                "Where" => node.Input.Count > 1 ? Known(node.Input[1]) : null,
                "QuantizeLinear" or "DequantizeLinear" => null,
                _ => node.Input.Count > 0 && node.Input[0].Length > 0 ? Known(node.Input[0]) : null,
            };

            if (type is int t)
            {
                types.TryAdd(node.Output[0], t);
            }
        }

        return types;
    }
}
