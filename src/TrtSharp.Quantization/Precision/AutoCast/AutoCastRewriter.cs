using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>What the rewrite did, for the report.</summary>
/// <param name="CastsInserted">Cast nodes added at precision boundaries.</param>
/// <param name="CastsRetyped">Existing Casts to float32 whose target became the reduced type instead of gaining a second Cast.</param>
/// <param name="WeightBytes">Bytes of float32 weights in the original model.</param>
/// <param name="ConvertedWeightBytes">Of those, bytes now stored in the reduced type (as float32 bytes, so the share is comparable).</param>
/// <param name="ReducedTensors">Values of the main graph now held in the reduced type.</param>
internal sealed record AutoCastRewrite(int CastsInserted, int CastsRetyped, long WeightBytes, long ConvertedWeightBytes, IReadOnlySet<string> ReducedTensors);

/// <summary>
/// Applies an <see cref="AutoCastPlan"/>: reduced nodes read and write the reduced type, weights only they read are
/// converted (weights shared with float32 nodes get a converted copy), one Cast per tensor and direction is inserted
/// where a value crosses between precisions, existing Casts to float32 that only feed reduced nodes are retargeted,
/// graph inputs and outputs keep float32 when asked, and value_info types follow.
/// </summary>
internal static class AutoCastRewriter
{
    private enum Want { Any, Float, Reduced }

    public static AutoCastRewrite Apply(ModelProto model, IReadOnlyDictionary<string, TensorElementType> types, AutoCastPlan plan, AutoCastOptions options)
    {
        GraphProto graph = model.Graph;
        int opset = AutoCastPlanner.OpsetOf(model);
        ReducedPrecision target = options.Target;
        int reducedType = (int)target.ElementType();
        bool IsFloat(string t) => t.Length > 0 && types.TryGetValue(t, out var type) && type == TensorElementType.Float;

        // What each consumer slot wants of each float32 tensor.
        var demands = new Dictionary<string, List<Want>>(StringComparer.Ordinal);
        void Demand(string t, Want w)
        {
            if (!demands.TryGetValue(t, out var list))
            {
                demands[t] = list = [];
            }
            list.Add(w);
        }
        Want SlotWant(int node, int slot)
        {
            NodeProto n = graph.Node[node];
            if (AutoCastPlanner.TypeAgnosticOps.Contains(n.OpType) && n.Domain is "" or "ai.onnx")
            {
                return Want.Any;
            }
            return plan.Reduced[node] && OnnxReducedPrecisionSupport.InputAccepts(n.OpType, opset, slot, target) ? Want.Reduced : Want.Float;
        }
        for (int j = 0; j < graph.Node.Count; j++)
        {
            NodeProto n = graph.Node[j];
            for (int k = 0; k < n.Input.Count; k++)
            {
                if (IsFloat(n.Input[k]))
                {
                    Demand(n.Input[k], SlotWant(j, k));
                }
            }
        }
        // A subgraph body reads outer values by name with the type it was built with: they stay float32.
        foreach (string read in AutoCastPlanner.SubgraphReads(graph).Where(IsFloat))
        {
            Demand(read, Want.Float);
        }
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string output in graphOutputs.Where(IsFloat))
        {
            Demand(output, options.KeepIoTypes ? Want.Float : Want.Any);
        }
        bool AllReduced(string t) => demands.TryGetValue(t, out var d) && d.Contains(Want.Reduced) && d.All(w => w is Want.Reduced or Want.Any);

        // Where each float32 tensor lives after the rewrite.
        var reduced = new HashSet<string>(StringComparer.Ordinal);
        foreach (ValueInfoProto input in graph.Input.Where(i => IsFloat(i.Name)))
        {
            if (!options.KeepIoTypes && AllReduced(input.Name) && !graph.Initializer.Any(t => t.Name == input.Name))
            {
                input.Type.TensorType.ElemType = reducedType;
                reduced.Add(input.Name);
            }
        }
        int retyped = 0;
        for (int j = 0; j < graph.Node.Count; j++)
        {
            NodeProto n = graph.Node[j];
            for (int o = 0; o < n.Output.Count; o++)
            {
                string t = n.Output[o];
                if (!IsFloat(t))
                {
                    continue;
                }
                if (plan.Reduced[j] && OnnxReducedPrecisionSupport.OutputAccepts(n.OpType, opset, o, target))
                {
                    reduced.Add(t);
                }
                else if (n.OpType == "Cast" && n.Domain is "" or "ai.onnx" && AllReduced(t))
                {
                    // Cast(x → float) feeding only reduced nodes: cast straight to the reduced type (no Cast chain).
                    n.Attribute.Single(a => a.Name == "to").I = reducedType;
                    reduced.Add(t);
                    retyped++;
                }
            }
        }

        // Weights: converted in place when every reader wants them reduced, else a converted copy for the reduced readers.
        long weightBytes = 0, convertedBytes = 0;
        var weightCopies = new Dictionary<string, string>(StringComparer.Ordinal);
        var existing = graph.Initializer.Select(i => i.Name).Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
        foreach (TensorProto weight in graph.Initializer.ToList())
        {
            if (weight.DataType != (int)TensorElementType.Float)
            {
                continue;
            }
            long bytes = OnnxTensors.ReadFiniteFloats(weight).LongLength * sizeof(float);
            weightBytes += bytes;
            if (!demands.TryGetValue(weight.Name, out var d) || !d.Contains(Want.Reduced))
            {
                continue;
            }
            TensorProto converted = Convert(weight, target, weight.Name);
            convertedBytes += bytes;
            if (d.All(w => w is Want.Reduced or Want.Any) && !graphOutputs.Contains(weight.Name) && !graph.Input.Any(i => i.Name == weight.Name))
            {
                weight.DataType = converted.DataType;
                weight.RawData = converted.RawData;
                weight.FloatData.Clear();
                reduced.Add(weight.Name);
            }
            else
            {
                string copy = UniqueNames.Unique($"{weight.Name}_{target.Name()}", existing);
                converted.Name = copy;
                graph.Initializer.Add(converted);
                weightCopies[weight.Name] = copy;
            }
        }

        // Graph outputs produced in the reduced type but declared float32: the producer writes a renamed tensor, a Cast restores the name.
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.KeepIoTypes)
        {
            foreach (string output in graphOutputs.Where(reduced.Contains).ToList())
            {
                string inner = UniqueNames.Unique($"{output}_{target.Name()}", existing);
                renamed[output] = inner;
                reduced.Remove(output);
                reduced.Add(inner);
            }
        }
        else
        {
            foreach (ValueInfoProto output in graph.Output.Where(o => reduced.Contains(o.Name)))
            {
                output.Type.TensorType.ElemType = reducedType;
            }
        }

        // Rebuild the node list with the Casts each consumer needs, one per tensor and direction.
        var casts = new Dictionary<(string, Want), string>();
        var nodes = new List<NodeProto>(graph.Node.Count);
        string CastTo(string source, Want want)
        {
            if (!casts.TryGetValue((source, want), out string? name))
            {
                name = UniqueNames.Unique($"{source}_to_{(want == Want.Reduced ? target.Name() : "fp32")}", existing);
                var cast = new NodeProto { OpType = "Cast", Name = name + "_cast" };
                cast.Input.Add(source);
                cast.Output.Add(name);
                cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = want == Want.Reduced ? reducedType : (int)TensorElementType.Float });
                nodes.Add(cast);
                casts[(source, want)] = name;
            }
            return name;
        }
        for (int j = 0; j < graph.Node.Count; j++)
        {
            NodeProto n = graph.Node[j];
            for (int k = 0; k < n.Input.Count; k++)
            {
                string t = n.Input[k];
                if (!IsFloat(t))
                {
                    continue;
                }
                string source = renamed.GetValueOrDefault(t, t);
                Want want = SlotWant(j, k);
                bool isReduced = reduced.Contains(source);
                if (want == Want.Any || (want == Want.Reduced) == isReduced)
                {
                    n.Input[k] = source;
                }
                else if (want == Want.Reduced && weightCopies.TryGetValue(t, out string? copy))
                {
                    n.Input[k] = copy;
                }
                else
                {
                    n.Input[k] = CastTo(source, want);
                }
            }
            var restores = new List<NodeProto>();
            for (int o = 0; o < n.Output.Count; o++)
            {
                string output = n.Output[o];
                if (renamed.TryGetValue(output, out string? inner))
                {
                    n.Output[o] = inner;
                    // Right after the producer, under the output's own name; float32 readers inside the graph reuse it.
                    var cast = new NodeProto { OpType = "Cast", Name = UniqueNames.Unique(output + "_to_fp32_cast", existing) };
                    cast.Input.Add(inner);
                    cast.Output.Add(output);
                    cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (int)TensorElementType.Float });
                    restores.Add(cast);
                    casts[(inner, Want.Float)] = output;
                }
            }
            nodes.Add(n);
            nodes.AddRange(restores);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        foreach (ValueInfoProto value in graph.ValueInfo)
        {
            if (reduced.Contains(value.Name) && value.Type?.TensorType is { } tensor)
            {
                tensor.ElemType = reducedType;
            }
        }
        foreach (string name in casts.Where(c => c.Key.Item2 == Want.Reduced).Select(c => c.Value))
        {
            reduced.Add(name);
        }
        foreach (string copy in weightCopies.Values)
        {
            reduced.Add(copy);
        }
        return new AutoCastRewrite(casts.Count, retyped, weightBytes, convertedBytes, reduced);
    }

    /// <summary>The float32 weight in the reduced type (round to nearest even).</summary>
    internal static TensorProto Convert(TensorProto weight, ReducedPrecision target, string name)
    {
        float[] values = OnnxTensors.ReadFiniteFloats(weight);
        long[] shape = [.. weight.Dims];
        HostTensor tensor = target == ReducedPrecision.Float16
            ? new HostTensor<Half>(shape, [.. values.Select(v => (Half)v)])
            : new HostTensor<BFloat16>(shape, [.. values.Select(BFloat16.FromSingle)]);
        return OnnxTensors.FromHostTensor(tensor, name);
    }
}
