using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Validation;

/// <summary>The structural and operator checks of one graph and, recursively, its subgraphs.</summary>
internal static class GraphChecker
{
    /// <summary>What every graph of a model is checked against, and where problems go.</summary>
    internal sealed record Context(IReadOnlyDictionary<string, long> Opsets, IReadOnlySet<(string Domain, string Name)> Functions, List<ModelProblem> Problems);

    /// <summary>Checks <paramref name="graph"/>; <paramref name="outerScope"/> holds the names an enclosing graph makes visible.</summary>
    public static void Check(GraphProto graph, string label, IReadOnlySet<string> outerScope, Context context)
    {
        void Report(ModelProblemKind kind, string? node, string message) => context.Problems.Add(new ModelProblem(kind, label, node, message));

        var nodes = graph.Node;
        string NodeName(int i) => string.IsNullOrEmpty(nodes[i].Name) ? $"{nodes[i].OpType}#{i}" : nodes[i].Name;

        // Values defined before any node runs.
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
        {
            if (!defined.Add(input.Name) && input.Name.Length > 0)
            {
                Report(ModelProblemKind.DuplicateName, null, $"graph input '{input.Name}' is declared twice");
            }
        }
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in graph.Initializer.Select(t => t.Name).Concat(graph.SparseInitializer.Select(s => s.Values?.Name ?? string.Empty)))
        {
            if (!initializers.Add(name))
            {
                Report(ModelProblemKind.DuplicateName, null, $"initializer '{name}' is defined twice");
            }
            defined.Add(name);
        }

        // Each value has one producer (static single assignment).
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
        {
            if (string.IsNullOrEmpty(nodes[i].OpType))
            {
                Report(ModelProblemKind.MissingOperator, NodeName(i), "node has no op_type");
            }
            foreach (string output in nodes[i].Output.Where(o => o.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (producer.TryGetValue(output, out int other))
                {
                    Report(ModelProblemKind.DuplicateOutput, NodeName(i), $"output '{output}' is also produced by node '{NodeName(other)}'");
                }
                else if (defined.Contains(output))
                {
                    Report(ModelProblemKind.DuplicateOutput, NodeName(i), $"output '{output}' overwrites a graph input or initializer of that name");
                }
                else
                {
                    producer[output] = i;
                }
            }
            if (nodes[i].Output.Count(o => o.Length > 0) != nodes[i].Output.Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).Count())
            {
                Report(ModelProblemKind.DuplicateOutput, NodeName(i), "the node lists the same output name twice");
            }
        }

        // Dependencies: direct inputs and what subgraphs read from this graph (outer-scope references).
        var dependsOn = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            dependsOn[i] = [];
            var direct = nodes[i].Input.Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
            foreach (string name in direct.Concat(OuterReferences(nodes[i]).Where(n => !direct.Contains(n))).Distinct(StringComparer.Ordinal))
            {
                if (producer.TryGetValue(name, out int j))
                {
                    if (j == i)
                    {
                        Report(ModelProblemKind.SelfLoop, NodeName(i), $"the node reads its own output '{name}'");
                    }
                    else if (!dependsOn[i].Contains(j))
                    {
                        dependsOn[i].Add(j);
                    }
                }
                else if (!defined.Contains(name) && !outerScope.Contains(name) && direct.Contains(name))
                {
                    // Names only a subgraph reads are reported when that subgraph is checked.
                    Report(ModelProblemKind.UndefinedInput, NodeName(i), $"input '{name}' is not produced by any node and is not a graph input, initializer or outer-scope value");
                }
            }
        }
        CheckOrder(dependsOn, NodeName, Report);

        foreach (var output in graph.Output)
        {
            if (output.Name.Length > 0 && !producer.ContainsKey(output.Name) && !defined.Contains(output.Name) && !outerScope.Contains(output.Name))
            {
                Report(ModelProblemKind.UndefinedOutput, null, $"graph output '{output.Name}' is not produced by any node and is not a graph input or initializer");
            }
        }

        for (int i = 0; i < nodes.Count; i++)
        {
            OperatorRules.Check(nodes[i], NodeName(i), context, msg => Report(msg.Kind, NodeName(i), msg.Message));
        }

        // Subgraphs see everything this graph defines (and what it sees itself).
        var inner = new HashSet<string>(outerScope, StringComparer.Ordinal);
        inner.UnionWith(defined);
        inner.UnionWith(producer.Keys);
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (var attribute in nodes[i].Attribute)
            {
                if (attribute.G is not null)
                {
                    Check(attribute.G, $"{label}/{NodeName(i)}.{attribute.Name}", inner, context);
                }
                for (int k = 0; k < attribute.Graphs.Count; k++)
                {
                    Check(attribute.Graphs[k], $"{label}/{NodeName(i)}.{attribute.Name}[{k}]", inner, context);
                }
            }
        }
    }

    // Cycles (Kahn's algorithm leaves them behind) and nodes placed before their producers.
    private static void CheckOrder(List<int>[] dependsOn, Func<int, string> nodeName, Action<ModelProblemKind, string?, string> report)
    {
        int n = dependsOn.Length;
        var pending = new int[n];
        var dependents = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            dependents[i] = [];
        }
        for (int i = 0; i < n; i++)
        {
            pending[i] = dependsOn[i].Count;
            foreach (int j in dependsOn[i])
            {
                dependents[j].Add(i);
            }
        }
        var ready = new Queue<int>(Enumerable.Range(0, n).Where(i => pending[i] == 0));
        var ordered = new bool[n];
        while (ready.TryDequeue(out int i))
        {
            ordered[i] = true;
            foreach (int d in dependents[i])
            {
                if (--pending[d] == 0)
                {
                    ready.Enqueue(d);
                }
            }
        }
        // What is left is on a cycle or downstream of one; peel off the downstream part to name the cycle itself.
        var left = Enumerable.Range(0, n).Where(i => !ordered[i]).ToHashSet();
        bool peeled = true;
        while (peeled)
        {
            peeled = false;
            foreach (int i in left.ToList())
            {
                if (!dependents[i].Any(left.Contains))
                {
                    left.Remove(i);
                    peeled = true;
                }
            }
        }
        if (left.Count > 0)
        {
            var onCycle = left.Order().ToList();
            string names = string.Join(" → ", onCycle.Take(8).Select(i => $"'{nodeName(i)}'")) + (onCycle.Count > 8 ? $" … ({onCycle.Count} nodes)" : string.Empty);
            report(ModelProblemKind.Cycle, nodeName(onCycle[0]), $"nodes depend on each other in a cycle: {names}");
        }
        for (int i = 0; i < n; i++)
        {
            if (!ordered[i])
            {
                continue;
            }
            int later = dependsOn[i].Where(j => j > i && ordered[j]).DefaultIfEmpty(-1).Max();
            if (later >= 0)
            {
                report(ModelProblemKind.NotTopological, nodeName(i), $"comes before node '{nodeName(later)}', which produces one of its inputs (nodes must be in topological order)");
            }
        }
    }

    /// <summary>The names a node's subgraphs read but do not define themselves (outer-scope references).</summary>
    internal static IEnumerable<string> OuterReferences(NodeProto node)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attribute in node.Attribute)
        {
            foreach (var graph in attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G))
            {
                result.UnionWith(FreeNames(graph));
            }
        }
        return result;
    }

    private static HashSet<string> FreeNames(GraphProto graph)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        own.UnionWith(graph.Input.Select(i => i.Name));
        own.UnionWith(graph.Initializer.Select(t => t.Name));
        own.UnionWith(graph.SparseInitializer.Select(s => s.Values?.Name ?? string.Empty));
        own.UnionWith(graph.Node.SelectMany(n => n.Output));
        var free = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            free.UnionWith(node.Input.Where(n => n.Length > 0 && !own.Contains(n)));
            free.UnionWith(OuterReferences(node).Where(n => !own.Contains(n)));
        }
        free.UnionWith(graph.Output.Select(o => o.Name).Where(n => n.Length > 0 && !own.Contains(n)));
        return free;
    }
}
