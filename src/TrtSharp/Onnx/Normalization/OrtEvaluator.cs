using Microsoft.ML.OnnxRuntime;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// ONNX Runtime as the normalizer's oracle: its static shape inference (every node output made a graph output, the
/// session's metadata read back) and its kernels (a model made of only the constant subgraph, run without inputs),
/// so folded values are exactly what the runtime would compute.
/// </summary>
internal static class OrtEvaluator
{
    /// <summary>Element type and shape of every main-graph tensor ONNX Runtime can infer.</summary>
    public static Dictionary<string, TensorShapeInfo> InferShapes(OnnxModel owner, ModelProto model)
    {
        var copy = model.Clone();
        var outputs = new HashSet<string>(copy.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        foreach (string name in copy.Graph.Node.SelectMany(n => n.Output))
        {
            if (name.Length > 0 && outputs.Add(name))
            {
                // Name only: ONNX Runtime fills in what it infers and never sees a contradicting declaration.
                copy.Graph.Output.Add(new ValueInfoProto { Name = name });
            }
        }
        using var options = Options();
        using var session = new InferenceSession(owner.SelfContainedBytes(copy), options);
        var result = new Dictionary<string, TensorShapeInfo>(StringComparer.Ordinal);
        foreach (var (name, meta) in session.InputMetadata.Concat(session.OutputMetadata))
        {
            if (meta.IsTensor)
            {
                result[name] = new TensorShapeInfo(OrtTensorInterop.FromOrt(meta.ElementDataType), [.. meta.Dimensions.Select(d => (long)d)]);
            }
        }
        foreach (var init in model.Graph.Initializer)
        {
            result.TryAdd(init.Name, new TensorShapeInfo((TensorElementType)init.DataType, [.. init.Dims]));
        }
        return result;
    }

    /// <summary>
    /// Runs <paramref name="nodes"/> (topologically ordered, every input an initializer of <paramref name="model"/> or
    /// an output of an earlier node) and returns each of <paramref name="wanted"/> as a tensor; non-tensor values are left out.
    /// </summary>
    public static Dictionary<string, TensorProto> Evaluate(OnnxModel owner, ModelProto model, IReadOnlyList<NodeProto> nodes, IReadOnlyCollection<string> wanted)
    {
        var graph = new GraphProto { Name = "constant_subgraph" };
        graph.Node.AddRange(nodes.Select(n => n.Clone()));
        var produced = new HashSet<string>(nodes.SelectMany(n => n.Output), StringComparer.Ordinal);
        var needed = new HashSet<string>(nodes.SelectMany(n => n.Input).Where(i => i.Length > 0 && !produced.Contains(i)), StringComparer.Ordinal);
        graph.Initializer.AddRange(model.Graph.Initializer.Where(t => needed.Contains(t.Name)));
        foreach (string name in wanted)
        {
            graph.Output.Add(new ValueInfoProto { Name = name });
        }
        var small = new ModelProto
        {
            // IR 4 is the first that lets initializers stand without a matching graph input.
            IrVersion = Math.Max(model.IrVersion, 7),
            Graph = graph,
        };
        small.OpsetImport.AddRange(model.OpsetImport);
        small.Functions.AddRange(model.Functions);

        using var options = Options();
        using var session = new InferenceSession(owner.SelfContainedBytes(small), options);
        var names = session.OutputNames.ToArray();
        using var runOptions = new RunOptions();
        using var values = session.Run(runOptions, [], [], names);
        var result = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (values[i].IsTensor)
            {
                result[names[i]] = OnnxTensors.FromHostTensor(OrtTensorInterop.ToHost(values[i], names[i]), names[i]);
            }
        }
        return result;
    }

    private static SessionOptions Options()
    {
        // ONNX Runtime's process-wide environment must be the one TrtSharp configures (global thread pool), even when
        // normalization is the first thing to touch ONNX Runtime.
        OnnxRuntimeEnvironment.Ensure();
        return NewOptions();
    }

    private static SessionOptions NewOptions() => new()
    {
        // No graph rewrites: inferred shapes are the model's own, and folded values come from the exact kernels.
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        IntraOpNumThreads = 1,
    };
}
