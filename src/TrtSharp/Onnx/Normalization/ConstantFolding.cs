using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// Evaluates, with ONNX Runtime, every main-graph node whose inputs are all constants (transitively) and stores
/// the results as initializers: shape arithmetic, Identity/Cast/Transpose/Reshape of weights, and the like.
/// </summary>
internal static class ConstantFolding
{
    // Operators never folded: random draws, quantization (a Q/DQ pair on weights is what a quantized model means),
    // and anything with a subgraph or a non-tensor result.
    private static readonly HashSet<string> NeverFolded =
    [
        "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli",
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "Constant",
        "If", "Loop", "Scan", "SequenceEmpty", "SequenceConstruct", "SequenceInsert", "SequenceErase", "SequenceAt",
        "SequenceLength", "SplitToSequence", "ConcatFromSequence", "Optional", "OptionalGetElement", "OptionalHasElement",
    ];

    /// <summary>Folds what it can; returns the number of nodes replaced by initializers.</summary>
    public static int Run(OnnxModel owner, ModelProto model, NormalizationOptions options, NormalizationReport report)
    {
        var graph = model.Graph;
        var graphInputs = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        var graphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        // An initializer that is also a graph input is a default the caller may override, not a constant.
        var bytes = graph.Initializer.Where(t => !graphInputs.Contains(t.Name))
            .ToDictionary(t => t.Name, OnnxTensors.DataByteSize, StringComparer.Ordinal);
        var foldable = new List<NodeProto>();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in new OnnxGraph(graph).TopologicalOrder().Select(n => n.Proto))
        {
            var inputs = node.Input.Where(i => i.Length > 0).ToList();
            if (!NodeAttributes.IsDefaultDomain(node) || NeverFolded.Contains(node.OpType) || inputs.Count == 0
                || NodeAttributes.Subgraphs(node).Any() || node.Output.Any(graphOutputs.Contains)
                || !inputs.All(i => bytes.ContainsKey(i) || produced.Contains(i)))
            {
                continue;
            }
            foldable.Add(node);
            produced.UnionWith(node.Output.Where(o => o.Length > 0));
        }
        if (foldable.Count == 0)
        {
            return 0;
        }

        Dictionary<string, TensorProto> values;
        try
        {
            values = OrtEvaluator.Evaluate(owner, model, foldable, produced);
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or Errors.TrtSharpException)
        {
            report._notes.Add($"constant folding skipped: ONNX Runtime could not evaluate the {foldable.Count} constant nodes ({FirstLine(e.Message)})");
            return 0;
        }

        var folded = new HashSet<NodeProto>();
        foreach (var node in foldable)
        {
            long inputBytes = node.Input.Where(i => i.Length > 0).Sum(i => bytes.GetValueOrDefault(i));
            long limit = Math.Max(options.MaxFoldedTensorBytes, 4 * inputBytes);
            var outputs = node.Output.Where(o => o.Length > 0).ToList();
            bool keep = outputs.Any(o => !values.ContainsKey(o) || OnnxTensors.DataByteSize(values[o]) > limit);
            foreach (string o in outputs.Where(values.ContainsKey))
            {
                bytes[o] = OnnxTensors.DataByteSize(values[o]);
            }
            if (!keep)
            {
                folded.Add(node);
            }
        }
        if (folded.Count == 0)
        {
            return 0;
        }

        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            if (folded.Contains(graph.Node[i]))
            {
                graph.Node.RemoveAt(i);
            }
        }
        // Only results something still reads become initializers; the rest were intermediate steps.
        var read = new HashSet<string>(graph.Node.SelectMany(NodeAttributes.ReferencedNames), StringComparer.Ordinal);
        var foldedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in folded)
        {
            foreach (string o in node.Output.Where(read.Contains))
            {
                graph.Initializer.Add(values[o]);
                foldedNames.Add(o);
            }
        }
        // A declared intermediate type would now describe an initializer; drop it.
        for (int i = graph.ValueInfo.Count - 1; i >= 0; i--)
        {
            if (foldedNames.Contains(graph.ValueInfo[i].Name))
            {
                graph.ValueInfo.RemoveAt(i);
            }
        }
        return folded.Count;
    }

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
