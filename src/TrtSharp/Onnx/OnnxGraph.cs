using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>
/// A read-only view of a <see cref="GraphProto"/>: inputs, outputs, initializers, nodes, value infos,
/// producer/consumer lookups and topological order. It is a snapshot: rebuild it after editing the proto.
/// </summary>
public sealed class OnnxGraph
{
    private readonly Dictionary<string, OnnxInitializerInfo> _initializers = new(StringComparer.Ordinal);
    private readonly string? _sourcePath;

    /// <summary>Builds the view; <paramref name="irVersion"/> decides how initializer-backed inputs are read, <paramref name="sourcePath"/> names the file in errors.</summary>
    internal OnnxGraph(GraphProto graph, long irVersion = 0, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Proto = graph;
        _sourcePath = sourcePath;
        foreach (var t in graph.Initializer)
        {
            _initializers[t.Name] = new OnnxInitializerInfo(t);
        }
        Initializers = [.. graph.Initializer.Select(t => _initializers[t.Name])];

        // Inputs that are also initializers are weights (IR < 4 had to list them) or, from IR 4 on,
        // defaults a caller may override; either way they are not what a caller must feed.
        var inputs = new List<OnnxValueInfo>();
        var overridable = new List<OnnxValueInfo>();
        foreach (var vi in graph.Input)
        {
            if (!_initializers.ContainsKey(vi.Name))
            {
                inputs.Add(new OnnxValueInfo(vi));
            }
            else if (irVersion >= 4)
            {
                overridable.Add(new OnnxValueInfo(vi));
            }
        }
        Inputs = inputs;
        OverridableInitializers = overridable;
        Outputs = [.. graph.Output.Select(v => new OnnxValueInfo(v))];
        ValueInfos = [.. graph.ValueInfo.Select(v => new OnnxValueInfo(v))];
        Nodes = [.. graph.Node.Select((n, i) => new OnnxNode(n, i))];
        Index = new OnnxGraphIndex(graph);
    }

    /// <summary>The protobuf-level look-ups this view answers from (producers, consumers by slot, constants, types).</summary>
    internal OnnxGraphIndex Index { get; }

    /// <summary>The protobuf it was read from.</summary>
    internal GraphProto Proto { get; }

    /// <summary>The graph's name.</summary>
    public string Name => Proto.Name;

    /// <summary>The inputs a caller must feed (graph inputs that are not initializers).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>IR ≥ 4: graph inputs that have an initializer as default value.</summary>
    public IReadOnlyList<OnnxValueInfo> OverridableInitializers { get; }

    /// <summary>The graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>Declared types of intermediate values.</summary>
    public IReadOnlyList<OnnxValueInfo> ValueInfos { get; }

    /// <summary>The initializers (weights), without their data.</summary>
    public IReadOnlyList<OnnxInitializerInfo> Initializers { get; }

    /// <summary>The nodes in file order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Total bytes of initializer data.</summary>
    public long InitializerBytes => Initializers.Sum(i => i.ByteSize);

    /// <summary>The initializer called <paramref name="name"/>, or null.</summary>
    public OnnxInitializerInfo? FindInitializer(string name) => _initializers.GetValueOrDefault(name);

    /// <summary>The node that produces tensor <paramref name="tensorName"/>, or null (graph input, initializer, unknown).</summary>
    public OnnxNode? GetProducer(string tensorName) => Index.ProducerPosition(tensorName) is var i and >= 0 ? Nodes[i] : null;

    /// <summary>The nodes that read tensor <paramref name="tensorName"/> (each once), in file order.</summary>
    public IReadOnlyList<OnnxNode> GetConsumers(string tensorName) => [.. Index.ConsumerPositions(tensorName).Select(i => Nodes[i])];

    /// <summary>Number of nodes per operator ("Conv", or "domain:Op" outside the default domain), most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> OpHistogram() =>
        [.. Nodes.GroupBy(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}:{n.OpType}", StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)];

    /// <summary>
    /// The nodes ordered so every node comes after the producers of its inputs (including tensors its
    /// subgraphs read from this graph); ties keep file order.
    /// </summary>
    /// <exception cref="ModelFormatException">The graph has a cycle (the message names nodes on it).</exception>
    public IReadOnlyList<OnnxNode> TopologicalOrder()
    {
        int n = Nodes.Count;
        var pending = new int[n];
        var dependents = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            dependents[i] = [];
        }
        for (int i = 0; i < n; i++)
        {
            var deps = new HashSet<int>();
            foreach (string input in ReferencedNames(Nodes[i].Proto))
            {
                if (Index.ProducerPosition(input) is var producer and >= 0 && producer != i)
                {
                    deps.Add(producer);
                }
            }
            pending[i] = deps.Count;
            foreach (int d in deps)
            {
                dependents[d].Add(i);
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < n; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }
        var order = new List<OnnxNode>(n);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(Nodes[i]);
            foreach (int d in dependents[i])
            {
                if (--pending[d] == 0)
                {
                    ready.Enqueue(d, d);
                }
            }
        }
        if (order.Count < n)
        {
            var stuck = Enumerable.Range(0, n).Where(i => pending[i] > 0).Select(i => $"'{Nodes[i].DisplayName}'").Take(8);
            throw new ModelFormatException(_sourcePath, $"graph '{Name}' has a cycle (or a node reads its own output); nodes involved include {string.Join(", ", stuck)}");
        }
        return order;
    }

    // The names a node reads: its inputs plus everything its subgraphs read (outer-scope references).
    private static IEnumerable<string> ReferencedNames(NodeProto node)
    {
        foreach (string input in node.Input)
        {
            if (input.Length > 0)
            {
                yield return input;
            }
        }
        foreach (var attribute in node.Attribute)
        {
            var graphs = attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G);
            foreach (var graph in graphs)
            {
                foreach (var inner in graph.Node)
                {
                    foreach (string name in ReferencedNames(inner))
                    {
                        yield return name;
                    }
                }
            }
        }
    }
}
