using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.IO;

namespace TrtSharp.Comparison;

/// <summary>
/// Compares every floating-point tensor two ONNX models share by name (ONNX Runtime taps on both) and finds the
/// node where the error starts. A tensor is <em>off</em> when its cosine similarity drops below
/// <see cref="DefaultCosineThreshold"/>, its max abs error exceeds atol + rtol·max|reference|, or NaNs appear on
/// one side only. The error <em>jumps</em> at an off tensor whose max abs error is at least
/// <see cref="DefaultGrowthFactor"/> times the largest max abs error among the inputs of the node producing it
/// (graph inputs count as exact): that node turned a small error into a large one.
/// </summary>
public static class LayerwiseComparison
{
    /// <summary>Cosine similarity below which a tensor counts as off.</summary>
    public const double DefaultCosineThreshold = 0.99;

    /// <summary>Error growth over a node's inputs that marks a jump.</summary>
    public const double DefaultGrowthFactor = 10;

    /// <summary>Runs both models with every floating-point node output tapped and compares the shared tensors.</summary>
    /// <param name="actualModel">The compared ONNX model (a).</param>
    /// <param name="referenceModel">The reference ONNX model (b).</param>
    /// <param name="referenceInputs">Inputs for the reference; converted for a where needed.</param>
    /// <param name="check">Tolerance and statistic applied to every tensor.</param>
    /// <param name="configure">Adjusts the ONNX Runtime options of both sessions (threads, providers).</param>
    public static LayerwiseReport Run(string actualModel, string referenceModel, IReadOnlyDictionary<string, HostTensor> referenceInputs,
        ErrorCheck check, Action<OnnxRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(referenceInputs);
        ModelProto model = ReadModel(actualModel);
        using OnnxRuntimeSession a = Open(actualModel, configure);
        using OnnxRuntimeSession b = Open(referenceModel, configure);

        var floatA = FloatingOutputs(a);
        var floatB = FloatingOutputs(b);
        Dictionary<string, HostTensor> actualInputs = ComparisonInputs.AdaptTo(a.Inputs, referenceInputs, actualModel);
        string[] shared = floatA.Where(floatB.Contains).ToArray();
        IReadOnlyDictionary<string, HostTensor> ra = a.Run(actualInputs, shared);
        IReadOnlyDictionary<string, HostTensor> rb = b.Run(referenceInputs, shared);

        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        var layers = new List<LayerComparison>();
        foreach (NodeProto node in model.Graph.Node)
        {
            foreach (string tensor in node.Output.Where(o => ra.ContainsKey(o) && !errors.ContainsKey(o)))
            {
                OutputComparison c = OutputComparison.Compare(tensor, ra[tensor], rb[tensor], check);
                // Graph inputs are identical on both sides and initializers carry no measured error: only tapped inputs count.
                double inputError = node.Input.Select(i => errors.TryGetValue(i, out double e) ? e : 0).DefaultIfEmpty(0).Max();
                bool nanOnOneSide = c.NonFiniteMismatches > 0;
                double error = nanOnOneSide ? double.PositiveInfinity : c.AbsoluteError.Max;
                double floor = check.Tolerance.AbsoluteTolerance + check.Tolerance.RelativeTolerance * MaxAbs(c.Reference);
                bool off = nanOnOneSide || c.Cosine < DefaultCosineThreshold || double.IsNaN(c.Cosine) || error > floor;
                bool jump = off && (error >= DefaultGrowthFactor * inputError || double.IsNaN(c.Cosine));
                errors[tensor] = double.IsNaN(error) ? 0 : error;
                layers.Add(new LayerComparison(tensor, node.Name, node.OpType, c, inputError, off, jump));
            }
        }
        return new LayerwiseReport(layers,
            floatA.Where(n => !floatB.Contains(n)).ToArray(),
            floatB.Where(n => !floatA.Contains(n)).ToArray(),
            DefaultCosineThreshold, DefaultGrowthFactor);
    }

    private static double MaxAbs(ValueStatistics s) =>
        double.IsNaN(s.Max) ? 0 : Math.Max(Math.Abs(s.Min), Math.Abs(s.Max));

    private static HashSet<string> FloatingOutputs(OnnxRuntimeSession session) =>
        session.Outputs.Where(o => TensorElementTypeInfo.IsFloatingPoint(o.ElementType)).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

    private static OnnxRuntimeSession Open(string path, Action<OnnxRuntimeOptions>? configure)
    {
        var options = new OnnxRuntimeOptions();
        configure?.Invoke(options);
        options.TapAllFloatingPoint = true;
        return OnnxRuntimeSession.FromFile(path, options);
    }

    private static ModelProto ReadModel(string path)
    {
        ExistingFile.Require(path);
        try
        {
            ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            return model.Graph is null ? throw new ModelFormatException(path, "not an ONNX model (no graph)") : model;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelFormatException(path, $"not a valid ONNX protobuf: {ex.Message}", ex);
        }
    }
}
