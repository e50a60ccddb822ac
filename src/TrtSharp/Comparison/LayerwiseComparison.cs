using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.IO;
using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>
/// Compares every floating-point tensor two ONNX models share by name (ONNX Runtime taps on both) and finds the
/// node where the error starts. Each tensor is judged by its <em>own relative</em> error, so that a layer is not
/// blamed for the size of its values: it is <em>off</em> when its SNR against the reference drops below
/// <see cref="DefaultSnrThresholdDb"/>, its cosine below <see cref="DefaultCosineThreshold"/>, or NaNs appear on one
/// side only. The error <em>jumps</em> at an off tensor whose node lost at least <see cref="DefaultJumpDb"/> of SNR
/// relative to its inputs: that node turned a small relative error into a large one. A node's inputs are traced back
/// through tensors the reference lacks (e.g. QuantizeLinear/DequantizeLinear pairs) to the nearest compared ones;
/// graph inputs and weights are exact. Tensors computed from constants alone (folded weights, shape arithmetic) are
/// not layers and are left out.
/// </summary>
public static class LayerwiseComparison
{
    /// <summary>Cosine similarity below which a tensor counts as off.</summary>
    public const double DefaultCosineThreshold = 0.99;

    /// <summary>SNR (dB) below which a tensor counts as off: noise power above 1% of the signal's.</summary>
    public const double DefaultSnrThresholdDb = 20;

    /// <summary>SNR (dB) a node must lose relative to its inputs to mark a jump: its relative error grew over 3×.</summary>
    public const double DefaultJumpDb = 10;

    /// <summary>The SNR given to identical tensors (+∞ otherwise), so that losses from exact inputs are finite.</summary>
    public const double ExactSnrDb = 100;

    /// <summary>Runs both models with every floating-point node output tapped and compares the shared tensors.</summary>
    /// <param name="actualModel">The compared ONNX model (a).</param>
    /// <param name="referenceModel">The reference ONNX model (b).</param>
    /// <param name="referenceInputs">Inputs for the reference; converted for a where needed.</param>
    /// <param name="check">Tolerance and statistic applied to every tensor (its pass/fail is reported per tensor; off/jump use relative error).</param>
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
        HashSet<string> constants = ConstantTensors(model.Graph);
        Dictionary<string, HostTensor> actualInputs = ComparisonInputs.AdaptTo(a.Inputs, referenceInputs, actualModel);
        string[] shared = floatA.Where(n => floatB.Contains(n) && !constants.Contains(n)).ToArray();
        IReadOnlyDictionary<string, HostTensor> ra = a.Run(actualInputs, shared);
        IReadOnlyDictionary<string, HostTensor> rb = b.Run(referenceInputs, shared);

        // Each tensor's error as far as the comparison knows it: measured where compared, else the worst of the
        // tensors it is computed from (graph inputs and constants are exact). Nodes come in topological order.
        var known = new Dictionary<string, (double Error, double Snr)>(StringComparer.Ordinal);
        // For tensors only the compared model has: the node that computed them. A Cast that merely restores a compared
        // name (AutoCast's FP16 → FP32 at graph outputs) passes the error of that node on; the layer is that node.
        var computedBy = new Dictionary<string, (string Node, string OpType)>(StringComparer.Ordinal);
        var layers = new List<LayerComparison>();
        foreach (NodeProto node in model.Graph.Node)
        {
            (string Node, string OpType) origin = node.OpType == "Cast" && node.Input.Count == 1 && computedBy.TryGetValue(node.Input[0], out var upstream)
                ? upstream
                : (node.Name, node.OpType);
            var inputs = node.Input.Where(i => i.Length > 0)
                .Select(i => known.TryGetValue(i, out var e) ? e : (Error: 0.0, Snr: ExactSnrDb)).ToList();
            double inputError = inputs.Select(i => i.Error).DefaultIfEmpty(0).Max();
            double inputSnr = inputs.Select(i => i.Snr).DefaultIfEmpty(ExactSnrDb).Min();
            foreach (string tensor in node.Output.Where(o => o.Length > 0 && !known.ContainsKey(o)))
            {
                if (!ra.ContainsKey(tensor))
                {
                    known[tensor] = (inputError, inputSnr);
                    computedBy[tensor] = origin;
                    continue;
                }
                OutputComparison c = OutputComparison.Compare(tensor, ra[tensor], rb[tensor], check);
                bool nanOnOneSide = c.NonFiniteMismatches > 0;
                double error = nanOnOneSide ? double.PositiveInfinity : c.AbsoluteError.Max;
                double snr = nanOnOneSide || double.IsNaN(c.SnrDb) ? double.NegativeInfinity : Math.Min(c.SnrDb, ExactSnrDb);
                bool off = nanOnOneSide || snr < DefaultSnrThresholdDb || c.Cosine < DefaultCosineThreshold || double.IsNaN(c.Cosine);
                bool jump = off && (inputSnr - snr >= DefaultJumpDb || double.IsNaN(c.Cosine));
                known[tensor] = (double.IsNaN(error) ? 0 : error, snr);
                layers.Add(new LayerComparison(tensor, origin.Node, origin.OpType, c, inputError, inputSnr, snr, off, jump));
            }
        }
        return new LayerwiseReport(layers,
            floatA.Where(n => !floatB.Contains(n) && !constants.Contains(n)).ToArray(),
            floatB.Where(n => !floatA.Contains(n)).ToArray(),
            DefaultCosineThreshold, DefaultSnrThresholdDb, DefaultJumpDb);
    }

    /// <summary>Initializers and every node output computed from them alone (Constant nodes, folded weight and shape arithmetic).</summary>
    internal static HashSet<string> ConstantTensors(GraphProto graph)
    {
        var constants = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (NodeProto node in graph.Node)
        {
            bool fromConstants = node.Input.All(i => i.Length == 0 || constants.Contains(i)) && !IsRandom(node.OpType);
            if (fromConstants && node.Attribute.All(at => at.G is null && at.Graphs.Count == 0))
            {
                constants.UnionWith(node.Output);
            }
        }
        return constants;
    }

    private static bool IsRandom(string op) => op.StartsWith("Random", StringComparison.Ordinal) || op is "Bernoulli" or "Multinomial";

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
