using System.Globalization;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>Which nodes compute in the reduced type, which stay float32 and why.</summary>
/// <param name="Reduced">Per node index: computes in the reduced type.</param>
/// <param name="Kept">Float32 nodes kept by a rule, with the reason (nodes without float32 data are not listed).</param>
internal sealed record AutoCastPlan(bool[] Reduced, IReadOnlyList<KeptNode> Kept);

/// <summary>
/// Decides node by node: a node with float32 inputs or outputs is converted unless a rule keeps it (see
/// <see cref="KeepRule"/>); tensors the data (or the weights themselves) show out of the reduced type's range keep
/// their producer and every consumer in float32.
/// </summary>
internal static class AutoCastPlanner
{
    private static readonly HashSet<string> QuantizedOps = new(StringComparer.Ordinal)
    {
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
    };

    private static readonly HashSet<string> AttributeTypedOps = new(StringComparer.Ordinal)
    {
        "Constant", "ConstantOfShape", "EyeLike", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli",
    };

    /// <summary>Operators that read any element type without computing on it: they need no Cast in either precision.</summary>
    internal static readonly HashSet<string> TypeAgnosticOps = new(StringComparer.Ordinal) { "Shape", "Size", "Cast" };

    public static AutoCastPlan Plan(ModelProto model, IReadOnlyDictionary<string, TensorElementType> types, AutoCastOptions options,
        IReadOnlyDictionary<string, TensorMagnitude>? activations)
    {
        GraphProto graph = model.Graph;
        int opset = OpsetOf(model);
        Refuse(graph, types);

        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        HashSet<string> subgraphReads = SubgraphReads(graph);
        var weightVerdicts = new Dictionary<string, (KeepRule, string)?>(StringComparer.Ordinal);
        var keepNodes = new NodeFilter(options.KeepNodes, [], "kept float32");
        var reduced = new bool[graph.Node.Count];
        var kept = new List<KeptNode>();
        for (int i = 0; i < graph.Node.Count; i++)
        {
            NodeProto node = graph.Node[i];
            bool floatIo = node.Input.Concat(node.Output).Any(t => t.Length > 0 && types.TryGetValue(t, out var type) && type == TensorElementType.Float);
            if (!floatIo || (node.Domain is "" or "ai.onnx" && TypeAgnosticOps.Contains(node.OpType)))
            {
                continue;
            }
            string name = node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault(o => o.Length > 0) ?? $"#{i}";
            (KeepRule Rule, string Reason)? keep = Decide(node, opset, types, options, keepNodes, subgraphReads, initializers, weightVerdicts, activations);
            if (keep is { } k)
            {
                kept.Add(new KeptNode(name, node.OpType, k.Rule, k.Reason));
            }
            else
            {
                reduced[i] = true;
            }
        }
        return new AutoCastPlan(reduced, kept);
    }

    private static (KeepRule, string)? Decide(NodeProto node, int opset, IReadOnlyDictionary<string, TensorElementType> types, AutoCastOptions options,
        NodeFilter keepNodes, HashSet<string> subgraphReads, Dictionary<string, TensorProto> initializers,
        Dictionary<string, (KeepRule, string)?> weightVerdicts, IReadOnlyDictionary<string, TensorMagnitude>? activations)
    {
        ReducedPrecision target = options.Target;
        if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))
        {
            return (KeepRule.Subgraph, "holds a subgraph; its body is not converted");
        }
        if (node.Output.FirstOrDefault(subgraphReads.Contains) is { } read)
        {
            return (KeepRule.Subgraph, $"produces '{read}', which a subgraph reads by name");
        }
        if (options.KeepOpTypes.FirstOrDefault(p => GlobPattern.IsMatch(p.Key, node.OpType)) is { Key: not null } byOp)
        {
            return (KeepRule.OpType, $"{node.OpType}: {byOp.Value}");
        }
        if (keepNodes.Match(node.Name, node.OpType) is { } byName)
        {
            return (KeepRule.NodeName, byName);
        }
        if (node.Domain is not ("" or "ai.onnx") || !OnnxReducedPrecisionSupport.IsKnown(node.OpType))
        {
            return (KeepRule.Specification, $"{node.OpType} is not an operator of the default ONNX domain known to the type table ({OnnxReducedPrecisionSupport.SchemaSource})");
        }
        if (AttributeTypedOps.Contains(node.OpType))
        {
            return (KeepRule.AttributeTyped, $"{node.OpType}'s output type is set by an attribute");
        }
        for (int o = 0; o < node.Output.Count; o++)
        {
            if (IsFloat(node.Output[o], types) && !OnnxReducedPrecisionSupport.OutputAccepts(node.OpType, opset, o, target))
            {
                return (KeepRule.Specification, $"ONNX has no {target.Name()} {node.OpType} at opset {opset}");
            }
        }
        if (!Enumerable.Range(0, node.Input.Count).Any(i => IsFloat(node.Input[i], types) && OnnxReducedPrecisionSupport.InputAccepts(node.OpType, opset, i, target)))
        {
            return (KeepRule.Specification, $"no float input of {node.OpType} takes {target.Name()} at opset {opset}");
        }
        foreach (string tensor in node.Input.Concat(node.Output).Where(t => IsFloat(t, types)))
        {
            (KeepRule, string)? verdict = initializers.TryGetValue(tensor, out TensorProto? weight)
                ? WeightVerdict(weight, options, weightVerdicts)
                : activations is not null && activations.TryGetValue(tensor, out TensorMagnitude? seen) ? ActivationVerdict(seen, options) : null;
            if (verdict is not null)
            {
                return verdict;
            }
        }
        return null;
    }

    private static (KeepRule, string)? WeightVerdict(TensorProto weight, AutoCastOptions options, Dictionary<string, (KeepRule, string)?> cache)
    {
        if (cache.TryGetValue(weight.Name, out (KeepRule, string)? known))
        {
            return known;
        }
        ReducedPrecision target = options.Target;
        float[] values = OnnxTensors.ReadFiniteFloats(weight);
        // Weights are exact: no headroom for overflow; a value below half the smallest subnormal becomes zero.
        TensorMagnitude m = TensorMagnitude.Of(weight.Name, values, target.MinSubnormal() / 2);
        (KeepRule, string)? why = m.MaxAbs > target.MaxValue()
            ? (KeepRule.Overflow, $"weight '{weight.Name}' holds {G(m.MaxAbs)}, beyond {target.Name()}'s largest value {G(target.MaxValue())}")
            : target != ReducedPrecision.BFloat16 && m.TinyFraction > options.UnderflowFraction
                ? (KeepRule.Underflow, $"weight '{weight.Name}': {m.TinyFraction:P1} of its non-zero values would round to zero in {target.Name()}")
                : null;
        cache[weight.Name] = why;
        return why;
    }

    private static (KeepRule, string)? ActivationVerdict(TensorMagnitude m, AutoCastOptions options)
    {
        ReducedPrecision target = options.Target;
        if (m.MaxAbs * options.OverflowHeadroom > target.MaxValue())
        {
            return (KeepRule.Overflow, $"tensor '{m.Name}' reaches {G(m.MaxAbs)} on the data, beyond {target.Name()}'s largest value {G(target.MaxValue())} with {G(options.OverflowHeadroom)}x headroom");
        }
        // BF16 has float32's exponent range: what float32 holds above its own subnormals does not underflow there.
        if (target != ReducedPrecision.BFloat16 && m.TinyFraction > options.UnderflowFraction)
        {
            return (KeepRule.Underflow, $"tensor '{m.Name}': {m.TinyFraction:P1} of its non-zero values on the data are below {target.Name()}'s smallest normal value {G(target.MinNormal())}");
        }
        return null;
    }

    internal static void Refuse(GraphProto graph, IReadOnlyDictionary<string, TensorElementType> types)
    {
        if (graph.Node.FirstOrDefault(n => QuantizedOps.Contains(n.OpType)) is { } quantized)
        {
            throw new PrecisionConversionException(NameOf(quantized),
                $"the model is quantized ({quantized.OpType}); AutoCast converts float32 models — convert the float32 original, then quantize");
        }
        foreach (NodeProto node in graph.Node)
        {
            if (node.Output.Concat(node.Input).FirstOrDefault(t => types.TryGetValue(t, out var type) && type is TensorElementType.Float16 or TensorElementType.BFloat16) is { } half)
            {
                throw new PrecisionConversionException(NameOf(node),
                    $"tensor '{half}' is already {TensorElementTypeInfo.Name(types[half])}: the model is already reduced or mixed precision; AutoCast converts float32 models");
            }
        }
        if (!types.Values.Any(t => t == TensorElementType.Float))
        {
            throw new PrecisionConversionException(null, "the model has no float32 tensor to convert");
        }
    }

    /// <summary>Names a subgraph reads from outer scopes (main-graph values it uses without defining).</summary>
    internal static HashSet<string> SubgraphReads(GraphProto graph)
    {
        var reads = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in graph.Node)
        {
            foreach (AttributeProto attribute in node.Attribute)
            {
                foreach (GraphProto body in attribute.Graphs.Append(attribute.G).OfType<GraphProto>())
                {
                    CollectOuterReads(body, reads);
                }
            }
        }
        return reads;
    }

    private static void CollectOuterReads(GraphProto body, HashSet<string> reads)
    {
        var defined = new HashSet<string>(body.Input.Select(i => i.Name).Concat(body.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
        foreach (NodeProto node in body.Node)
        {
            foreach (string input in node.Input.Where(i => i.Length > 0 && !defined.Contains(i)))
            {
                reads.Add(input);
            }
            foreach (AttributeProto attribute in node.Attribute)
            {
                foreach (GraphProto nested in attribute.Graphs.Append(attribute.G).OfType<GraphProto>())
                {
                    CollectOuterReads(nested, reads);
                }
            }
            defined.UnionWith(node.Output);
        }
        foreach (ValueInfoProto output in body.Output.Where(o => !defined.Contains(o.Name)))
        {
            reads.Add(output.Name);
        }
    }

    internal static int OpsetOf(ModelProto model) =>
        (int)(model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 1);

    private static bool IsFloat(string tensor, IReadOnlyDictionary<string, TensorElementType> types) =>
        tensor.Length > 0 && types.TryGetValue(tensor, out TensorElementType type) && type == TensorElementType.Float;

    internal static string NameOf(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault(o => o.Length > 0) ?? node.OpType;

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
