using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Folds a constant Mul and/or Add that directly follows a Conv into that Conv's weight and bias, before Q/DQ is
/// placed for ONNX Runtime's CPU provider. ORT does the same fold on the FP32 graph (its Conv+Mul / Conv+Add fusions),
/// but in a Q/DQ graph the Q on the conv output sits between them, so each such Mul/Add would run as a float pass
/// plus a DequantizeLinear/QuantizeLinear round trip (PaddleOCR's "learnable affine" scale and bias after every conv).
/// Folded here, the conv output already is the Add's output, whose calibrated range the Q then uses. An excluded Mul or
/// Add is left alone, but an excluded Conv still takes its affine: it stays float either way, and keeping a Conv float
/// then renames no tensor, so the ranges calibrated for the full placement still cover it (the target search keeps
/// layers float without recalibrating).
/// </summary>
internal static class ConvAffineFolding
{
    /// <summary>Folds in place and returns one decision per removed node.</summary>
    public static List<NodeDecision> Run(GraphProto graph, QdqOptions options)
    {
        var exclusions = new NodeFilter(options.ExcludeNodes, options.ExcludeOpTypes, "excluded");
        var decisions = new List<NodeDecision>();
        var index = new OnnxGraphIndex(graph);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conv in graph.Node.Where(n => n.OpType == "Conv" && OnnxGraphIndex.IsDefaultDomain(n)).ToList())
        {
            // A Conv+Mul+Add chain folds one step at a time; the conv's output name moves down the chain.
            while (FoldNext(graph, index, exclusions, conv, removed, replaced) is NodeDecision decision)
            {
                decisions.Add(decision);
            }

            // And a scalar y = s·h + b in front of an unpadded conv (the affine after an activation) folds into it too.
            while (FoldPrevious(graph, index, exclusions, conv, removed, replaced) is NodeDecision decision)
            {
                decisions.Add(decision);
            }
        }

        if (removed.Count > 0)
        {
            var kept = graph.Node.Where(n => !removed.Contains(n)).ToList();
            graph.Node.Clear();
            graph.Node.AddRange(kept);
            DropUnread(graph, replaced);
        }

        return decisions;
    }

    private static NodeDecision? FoldNext(GraphProto graph, OnnxGraphIndex index, NodeFilter exclusions, NodeProto conv, HashSet<NodeProto> removed, HashSet<string> replaced)
    {
        var output = conv.Output[0];
        var consumers = index.Consumers(output).Where(c => !removed.Contains(c.Node)).ToList();
        if (consumers.Count != 1 || index.GraphOutputs.Contains(output) || conv.Input.Count < 2
            || consumers[0].Node is not { OpType: "Mul" or "Add" } next || !OnnxGraphIndex.IsDefaultDomain(next) || next.Input.Count != 2
            || exclusions.Matches(next.Name, next.OpType))
        {
            return null;
        }

        if (Initializer(graph, conv.Input[1]) is not { DataType: (int)TensorElementType.Float } weight || weight.Dims.Count < 3
            || Initializer(graph, next.Input[1 - consumers[0].Input]) is not { DataType: (int)TensorElementType.Float } constant)
        {
            return null;
        }

        var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? Initializer(graph, conv.Input[2]) : null;
        if (conv.Input.Count > 2 && conv.Input[2].Length > 0 && bias is not { DataType: (int)TensorElementType.Float })
        {
            return null;
        }

        // An initializer that is also a graph input can be overridden at run time, so its value may not be baked in.
        if (index.GraphInputs.Contains(weight.Name) || index.GraphInputs.Contains(constant.Name) || (bias is not null && index.GraphInputs.Contains(bias.Name)))
        {
            return null;
        }

        var channels = (int)weight.Dims[0];
        if (PerChannel(constant, weight.Dims.Count, channels) is not float[] factor)
        {
            return null;
        }

        var biasValues = bias is null ? new float[channels] : OnnxTensors.ReadFiniteFloats(bias);
        string what;
        if (next.OpType == "Mul")
        {
            var w = OnnxTensors.ReadFiniteFloats(weight);
            var perChannel = w.Length / channels;
            for (var c = 0; c < channels; c++)
            {
                for (var i = 0; i < perChannel; i++)
                {
                    w[c * perChannel + i] *= factor[c];
                }

                biasValues[c] *= factor[c];
            }

            replaced.Add(conv.Input[1]);
            conv.Input[1] = AddInitializer(graph, index, conv.Input[1] + "_scaled", weight.Dims, w);
            what = "scale folded into its weight and bias";
        }
        else
        {
            for (var c = 0; c < channels; c++)
            {
                biasValues[c] += factor[c];
            }

            what = "constant added to its bias";
        }

        if (bias is not null || next.OpType == "Add")
        {
            SetFoldedBias(graph, index, conv, bias, biasValues, replaced);
        }

        // The conv takes over the folded node's output name, so its consumers and its calibrated range stay as they are.
        conv.Output[0] = next.Output[0];
        removed.Add(next);
        var name = next.Name.Length > 0 ? next.Name : $"{next.OpType}#{graph.Node.IndexOf(next)}";
        var convName = conv.Name.Length > 0 ? conv.Name : $"Conv#{graph.Node.IndexOf(conv)}";
        return new NodeDecision(name, next.OpType, NodeStatus.Folded,
            $"constant {next.OpType} after Conv '{convName}': {what} (exact up to float rounding, as ORT's FP32 Conv fusion does), so no float pass and no Q/DQ round trip");
    }

    private static NodeDecision? FoldPrevious(GraphProto graph, OnnxGraphIndex index, NodeFilter exclusions, NodeProto conv, HashSet<NodeProto> removed, HashSet<string> replaced)
    {
        var input = conv.Input[0];
        if (index.Producer(input) is not { OpType: "Mul" or "Add" } previous || removed.Contains(previous) || !OnnxGraphIndex.IsDefaultDomain(previous)
            || previous.Input.Count != 2 || index.GraphOutputs.Contains(input) || index.Consumers(input).Count != 1 || conv.Input.Count < 2
            || !Unpadded(conv) || exclusions.Matches(previous.Name, previous.OpType))
        {
            return null;
        }

        var constantSlot = index.IsConstant(previous.Input[1]) ? 1 : index.IsConstant(previous.Input[0]) ? 0 : -1;
        if (constantSlot < 0 || Initializer(graph, previous.Input[constantSlot]) is not { DataType: (int)TensorElementType.Float } constant
            || index.GraphInputs.Contains(constant.Name) || OnnxTensors.ReadFiniteFloats(constant) is not [var value] || constant.Dims.Count > 4
            || Initializer(graph, conv.Input[1]) is not { DataType: (int)TensorElementType.Float } weight || weight.Dims.Count < 3 || index.GraphInputs.Contains(weight.Name))
        {
            return null;
        }

        var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? Initializer(graph, conv.Input[2]) : null;
        if ((conv.Input.Count > 2 && conv.Input[2].Length > 0 && bias is not { DataType: (int)TensorElementType.Float }) || (bias is not null && index.GraphInputs.Contains(bias.Name)))
        {
            return null;
        }

        var channels = (int)weight.Dims[0];
        var w = OnnxTensors.ReadFiniteFloats(weight);
        var perChannel = w.Length / channels;
        string what;
        if (previous.OpType == "Mul")
        {
            // conv(s·h) = conv'(h) with W' = s·W: every input value is scaled, and without padding there is no border.
            for (var i = 0; i < w.Length; i++)
            {
                w[i] *= value;
            }

            replaced.Add(conv.Input[1]);
            conv.Input[1] = AddInitializer(graph, index, conv.Input[1] + "_scaled", weight.Dims, w);
            what = "input scale folded into its weight";
        }
        else
        {
            // conv(h + b) = conv(h) + b·ΣW[o] per output channel, exact only because, without padding, every tap reads a real input that carries b.
            var biasValues = bias is null ? new float[channels] : OnnxTensors.ReadFiniteFloats(bias);
            for (var c = 0; c < channels; c++)
            {
                var sum = 0.0;
                for (var i = 0; i < perChannel; i++)
                {
                    sum += w[c * perChannel + i];
                }

                biasValues[c] += (float)(value * sum);
            }

            SetFoldedBias(graph, index, conv, bias, biasValues, replaced);
            what = "input offset folded into its bias (weight sums)";
        }

        conv.Input[0] = previous.Input[1 - constantSlot];
        removed.Add(previous);
        var name = previous.Name.Length > 0 ? previous.Name : $"{previous.OpType}#{graph.Node.IndexOf(previous)}";
        var convName = conv.Name.Length > 0 ? conv.Name : $"Conv#{graph.Node.IndexOf(conv)}";
        return new NodeDecision(name, previous.OpType, NodeStatus.Folded,
            $"scalar {previous.OpType} before unpadded Conv '{convName}': {what} (exact up to float rounding), so no float pass and no Q/DQ round trip");
    }

    /// <summary>Whether the conv reads no padding, so a constant offset of its input reaches every output alike.</summary>
    private static bool Unpadded(NodeProto conv)
    {
        var autoPad = conv.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8();
        if (autoPad is not null && autoPad.Length > 0 && autoPad != "NOTSET" && autoPad != "VALID")
        {
            return false;
        }

        return conv.Attribute.FirstOrDefault(a => a.Name == "pads") is not { } pads || pads.Ints.All(p => p == 0);
    }

    /// <summary>Removes the replaced weights and biases nothing reads any more, so the model does not carry them twice.</summary>
    private static void DropUnread(GraphProto graph, HashSet<string> replaced)
    {
        var referenced = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        QdqGraphEditor.CollectInputs(graph, referenced);
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (replaced.Contains(graph.Initializer[i].Name) && !referenced.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }
    }

    private static TensorProto? Initializer(GraphProto graph, string name) =>
        graph.Initializer.FirstOrDefault(i => i.Name == name);

    /// <summary>
    /// The constant as one value per output channel when it broadcasts along the channel axis (1) of a rank
    /// <paramref name="rank"/> conv output only: a single value or C values on that axis, with a rank that does not
    /// grow the output.
    /// </summary>
    private static float[]? PerChannel(TensorProto constant, int rank, int channels)
    {
        var values = OnnxTensors.ReadFiniteFloats(constant);
        var dims = constant.Dims;
        if (dims.Count > rank)
        {
            return null;
        }

        if (values.Length == 1)
        {
            return Enumerable.Repeat(values[0], channels).ToArray();
        }

        // Right-aligned broadcasting: the constant's dim facing the channel axis is at dims.Count - (rank - 1).
        var channelDim = dims.Count - (rank - 1);
        if (values.Length != channels || channelDim < 0 || dims[channelDim] != channels)
        {
            return null;
        }

        return values;
    }

    /// <summary>Gives <paramref name="conv"/> a new bias initializer holding <paramref name="values"/>, replacing its old one.</summary>
    private static void SetFoldedBias(GraphProto graph, OnnxGraphIndex index, NodeProto conv, TensorProto? bias, float[] values, HashSet<string> replaced)
    {
        var biasName = AddInitializer(graph, index, (bias?.Name ?? conv.Input[1]) + "_folded_bias", [values.Length], values);
        while (conv.Input.Count < 3)
        {
            conv.Input.Add(string.Empty);
        }

        if (bias is not null)
        {
            replaced.Add(bias.Name);
        }

        conv.Input[2] = biasName;
    }

    private static string AddInitializer(GraphProto graph, OnnxGraphIndex index, string wanted, IEnumerable<long> dims, float[] values)
    {
        var tensor = OnnxTensors.Floats(index.UniqueName(wanted), values, scalar: true);
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }
}
