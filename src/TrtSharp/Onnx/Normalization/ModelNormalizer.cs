using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// The one pass every command runs on a model before anything else: <c>Constant</c> nodes become initializers,
/// the default-domain opset is raised to <see cref="NormalizationOptions.MinimumOpset"/> (refusing, by node name,
/// only what cannot be converted), subgraphs that depend only on constants or static shapes are evaluated with
/// ONNX Runtime, dead nodes are removed, and ONNX Runtime's inferred type and shape of every tensor is recorded.
/// </summary>
public static class ModelNormalizer
{
    /// <summary>Rounds of (infer shapes, resolve shapes, fold, remove dead nodes) before giving up on a fixed point.</summary>
    private const int MaxRounds = 4;

    /// <summary>Normalizes <paramref name="model"/> in place and returns (and attaches as <see cref="OnnxModel.Normalization"/>) what changed.</summary>
    /// <exception cref="OpsetConversionException">A node cannot be expressed at the target opset.</exception>
    /// <exception cref="ModelFormatException">The model is older than opset 6, imports no default-domain opset, or has a cycle.</exception>
    public static NormalizationReport Normalize(OnnxModel model, NormalizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new NormalizationOptions();
        var proto = model.Proto;
        var import = OpsetConverter.DefaultImport(proto, model.FilePath);
        var report = new NormalizationReport { OriginalOpset = import.Version };
        long target = Math.Min(Math.Max(import.Version, options.MinimumOpset), OpsetConverter.NewestTarget);

        if (proto.IrVersion < 4)
        {
            // Before IR 4 every initializer had to be listed as a graph input too; those entries are weights, not inputs.
            var weights = new HashSet<string>(proto.Graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
            for (int i = proto.Graph.Input.Count - 1; i >= 0; i--)
            {
                if (weights.Contains(proto.Graph.Input[i].Name))
                {
                    proto.Graph.Input.RemoveAt(i);
                }
            }
            proto.IrVersion = 4;
        }

        report.ConstantsHoisted = ConstantHoisting.Run(proto);
        var shapes = new Dictionary<string, TensorShapeInfo>(StringComparer.Ordinal);
        if (import.Version < target)
        {
            // Fold at the old opset first, so conversions see e.g. Upsample scales computed from constant shapes.
            shapes = FoldRounds(model, options, report);
            OpsetConverter.Convert(model, proto, target, report, shapes);
        }
        shapes = FoldRounds(model, options, report);
        foreach (var (name, info) in shapes)
        {
            report._shapes[name] = info;
        }
        report.Opset = import.Version;
        model.RefreshGraph();
        model.Normalization = report;
        return report;
    }

    private static Dictionary<string, TensorShapeInfo> FoldRounds(OnnxModel model, NormalizationOptions options, NormalizationReport report)
    {
        var proto = model.Proto;
        var shapes = new Dictionary<string, TensorShapeInfo>(StringComparer.Ordinal);
        for (int round = 0; round < MaxRounds; round++)
        {
            shapes = options.InferShapes || options.FoldConstants ? TryInferShapes(model, report) : shapes;
            int changes = 0;
            if (options.FoldConstants)
            {
                int resolved = ShapeFolding.Run(model, proto, shapes);
                int folded = ConstantFolding.Run(model, proto, options, report);
                report.ShapesResolved += resolved;
                report.NodesFolded += folded;
                changes += resolved + folded;
            }
            var (nodes, initializers) = DeadNodeRemoval.Run(proto);
            report.NodesRemoved += nodes;
            report.InitializersRemoved += initializers;
            changes += nodes + initializers;
            if (changes == 0)
            {
                break;
            }
            if (round == MaxRounds - 1 && (options.InferShapes || options.FoldConstants))
            {
                shapes = TryInferShapes(model, report);
            }
        }
        return shapes;
    }

    private static Dictionary<string, TensorShapeInfo> TryInferShapes(OnnxModel model, NormalizationReport report)
    {
        try
        {
            var shapes = OrtEvaluator.InferShapes(model, model.Proto);
            RankPropagation.Run(model, model.Proto, shapes);
            return shapes;
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ModelFormatException)
        {
            string note = $"shape inference unavailable: ONNX Runtime could not load the model ({ConstantFolding.FirstLine(e.Message)})";
            if (!report._notes.Contains(note))
            {
                report._notes.Add(note);
            }
            return new Dictionary<string, TensorShapeInfo>(StringComparer.Ordinal);
        }
    }
}
