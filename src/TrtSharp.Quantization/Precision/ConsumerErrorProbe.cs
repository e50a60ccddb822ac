using System.Globalization;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Chooses each tensor's range method by its effect where it matters most: every Conv, ConvTranspose, MatMul or Gemm
/// with constant weights that reads a calibrated tensor is run once on the tensor's float values and once on them
/// quantized with the parameters each method's candidate model gives that input, and the tensor gets the method whose
/// consumer outputs come closest (squared error relative to the output's energy, summed over its consumers). A method's
/// own criterion (entropy, MSE of the tensor itself) sees only the tensor; the weights decide which errors survive.
/// All consumers run in one small ONNX Runtime model (no optimizations, so it opens fast) on the values of one batch.
/// </summary>
internal static class ConsumerErrorProbe
{
    /// <summary>Ties (identical parameters) keep the earlier: MSE, the choice without data, first.</summary>
    private static readonly CalibrationMethod[] Order = [CalibrationMethod.Mse, CalibrationMethod.Entropy, CalibrationMethod.Percentile, CalibrationMethod.Max];

    /// <summary>Most bytes of weights the probe copies; a model whose weighted layers hold more is not probed.</summary>
    public const long WeightBudgetBytes = 256L << 20;

    /// <summary>Smallest spatial side of a Conv input at which the probe computes every second output position only.</summary>
    public const int SampledSide = 16;

    /// <summary>A weighted node reading a calibrated tensor at its data input.</summary>
    internal sealed record Consumer(string Tensor, NodeProto Node);

    /// <summary>How one tensor's methods did at its consumers.</summary>
    /// <param name="Tensor">The tensor.</param>
    /// <param name="Method">The method with the least error.</param>
    /// <param name="RelativeError">Per method: Σ over consumers of ‖y(q(x)) − y(x)‖² / ‖y(x)‖².</param>
    /// <param name="Consumers">The consumers measured, as display names.</param>
    internal sealed record Choice(string Tensor, CalibrationMethod Method, IReadOnlyDictionary<CalibrationMethod, double> RelativeError, IReadOnlyList<string> Consumers)
    {
        /// <summary>Why, in one line.</summary>
        public string Reason =>
            $"per tensor: {GuardedRanges.Name(Method)} gave the least error at the output of {string.Join(", ", Consumers)} (relative squared error "
            + string.Join(", ", Order.Where(RelativeError.ContainsKey).Select(m => $"{GuardedRanges.Name(m)} {RelativeError[m].ToString("0.###e+0", CultureInfo.InvariantCulture)}")) + ")";
    }

    /// <summary>
    /// The consumers to probe in <paramref name="model"/>, of the tensors <paramref name="only"/> names (when null, of
    /// those <paramref name="placement"/> quantizes): none when the weights live in external files or the weighted
    /// layers hold more than <see cref="WeightBudgetBytes"/> (the probe model would copy them).
    /// </summary>
    public static IReadOnlyList<Consumer> Plan(OnnxModel model, IReadOnlySet<string>? only, QdqOptions placement)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.HasExternalData)
        {
            return [];
        }
        // Calibrating every tensor (only = null) still probes only what the placement quantizes from its own range.
        only ??= QdqInserter.TensorsNeedingRanges(model.Proto, placement);
        var consumers = Find(model.Proto, only.Contains);
        var weights = model.Proto.Graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().CalculateSize(), StringComparer.Ordinal);
        long bytes = consumers.SelectMany(c => c.Node.Input.Skip(1)).Distinct(StringComparer.Ordinal).Sum(w => (long)weights.GetValueOrDefault(w));
        return bytes > WeightBudgetBytes ? [] : consumers;
    }

    /// <summary>
    /// The consumers of <paramref name="tensors"/> in <paramref name="model"/> (main graph): named Conv, ConvTranspose,
    /// MatMul and Gemm reading one at input 0 whose other inputs are all initializers a caller cannot override (a node
    /// is found again in the candidates' Q/DQ models by its name).
    /// </summary>
    public static IReadOnlyList<Consumer> Find(ModelProto model, Func<string, bool> tensors)
    {
        ArgumentNullException.ThrowIfNull(model);
        var fed = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var constants = model.Graph.Initializer.Select(t => t.Name).Where(n => !fed.Contains(n)).ToHashSet(StringComparer.Ordinal);
        var result = new List<Consumer>();
        foreach (NodeProto node in model.Graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx") || node.OpType is not ("Conv" or "ConvTranspose" or "MatMul" or "Gemm")
                || node.Name.Length == 0 || node.Input.Count < 2 || node.Output.Count < 1 || !tensors(node.Input[0]))
            {
                continue;
            }
            if (node.Input.Skip(1).All(i => i.Length == 0 || constants.Contains(i)) && node.Input[1].Length > 0)
            {
                result.Add(new Consumer(node.Input[0], node));
            }
        }
        return result;
    }

    /// <summary>
    /// The tensors every consumer of which is a Conv, or a ConvTranspose without a fixed output_shape, whose kernel
    /// spans at most half of <see cref="ReferenceCapture.CropSide"/> along every axis: their first axis is the batch,
    /// each sample computed alone, and every position computed alike, so one sample, cropped, is enough to probe them.
    /// </summary>
    public static IReadOnlySet<string> ConvolutionInputs(ModelProto model, IReadOnlyList<Consumer> consumers)
    {
        var weights = model.Graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return consumers.GroupBy(c => c.Tensor, StringComparer.Ordinal)
            .Where(g => g.All(c => (c.Node.OpType == "Conv" || (c.Node.OpType == "ConvTranspose" && !c.Node.Attribute.Any(a => a.Name == "output_shape")))
                && KernelExtents(c.Node, weights[c.Node.Input[1]]).All(e => e <= ReferenceCapture.CropSide / 2)))
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The tensors every consumer of which is a MatMul with a matrix (rank ≤ 2) weight, or a Gemm without transA whose
    /// C is absent or does not vary along the rows: each row (or sample) of the first input gives its own output rows
    /// against the same weight, so the leading rows are enough to probe them.
    /// </summary>
    public static IReadOnlySet<string> RowInputs(ModelProto model, IReadOnlyList<Consumer> consumers)
    {
        var weights = model.Graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        bool RowWise(NodeProto node) => node.OpType switch
        {
            "MatMul" => weights[node.Input[1]].Dims.Count <= 2,
            "Gemm" => Attribute(node, "transA") is null or 0
                && (node.Input.Count < 3 || node.Input[2].Length == 0 || weights[node.Input[2]].Dims is var c && (c.Count <= 1 || c[0] == 1)),
            _ => false,
        };
        return consumers.GroupBy(c => c.Tensor, StringComparer.Ordinal)
            .Where(g => g.All(c => RowWise(c.Node)))
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Runs every consumer in <paramref name="consumers"/> whose tensor has values in <paramref name="values"/> on
    /// them, float and quantized with the parameters of each method's Q/DQ model in <paramref name="candidates"/>, and
    /// chooses per tensor. A consumer is measured only where every candidate quantizes its input plainly (a
    /// DequantizeLinear of a QuantizeLinear of the tensor itself, same parameters): layers kept float, and inputs whose
    /// parameters also carry a folded affine or clamp, are left out. Tensors with nothing measured are not in the result.
    /// </summary>
    public static IReadOnlyDictionary<string, Choice> Choose(ModelProto model, IReadOnlyList<Consumer> consumers, IReadOnlyDictionary<string, HostTensor<float>> values,
        IReadOnlyDictionary<CalibrationMethod, ModelProto> candidates, OnnxRuntimeOptions runtime)
    {
        var graphs = candidates.ToDictionary(p => p.Key, p => new CandidateGraph(p.Value));
        var probed = new List<(Consumer Consumer, Dictionary<CalibrationMethod, QuantParams> Parameters)>();
        foreach (var consumer in consumers.Where(c => values.ContainsKey(c.Tensor)))
        {
            var parameters = new Dictionary<CalibrationMethod, QuantParams>();
            foreach (CalibrationMethod m in Order)
            {
                if (graphs.TryGetValue(m, out var graph) && graph.InputParameters(consumer) is { } p)
                {
                    parameters[m] = p;
                }
            }
            if (parameters.Count == Order.Length)
            {
                probed.Add((consumer, parameters));
            }
        }
        if (probed.Count == 0)
        {
            return new Dictionary<string, Choice>(StringComparer.Ordinal);
        }
        var probe = new ConsumerProbeModel(model);
        var tensors = probed.Select(p => p.Consumer.Tensor).Distinct(StringComparer.Ordinal).ToList();
        foreach (string tensor in tensors)
        {
            probe.AddInput(tensor, values[tensor]);
        }
        var energies = new string[probed.Count];
        var branches = new List<(int Consumer, CalibrationMethod[] Methods, string Error)>();
        for (int k = 0; k < probed.Count; k++)
        {
            var ((tensor, node), parameters) = probed[k];
            node = Sampled(node, values[tensor].Shape);
            string reference = probe.AddConsumer(node, tensor, $"{node.Name}_probe_float");
            energies[k] = probe.AddSumOfSquares(reference, $"{node.Name}_probe_energy");
            // Methods that give the same parameters share one branch.
            foreach (var group in Order.GroupBy(m => parameters[m]))
            {
                string quantized = probe.AddConsumer(node, probe.AddQuantizeDequantize(tensor, group.Key), $"{node.Name}_probe_{GuardedRanges.Name(group.First())}");
                branches.Add((k, [.. group], probe.AddSquaredDifference(quantized, reference, $"{node.Name}_probe_{GuardedRanges.Name(group.First())}_error")));
            }
        }
        var options = runtime.Clone();
        // Each node runs once: graph optimizations would cost more to apply than they save.
        options.GraphOptimization = OnnxRuntimeGraphOptimization.Disabled;
        options.LogAtLeast(OnnxRuntimeLogSeverity.Error);
        // One run: threads spinning for more work after it would only take the core the judge's sessions open on.
        options.AllowSpinning ??= false;
        IReadOnlyDictionary<string, HostTensor> outputs;
        using (var session = OnnxRuntimeSession.FromModel(probe.Proto, options))
        {
            outputs = session.Run(tensors.ToDictionary(t => t, t => (HostTensor)values[t], StringComparer.Ordinal));
        }
        double Scalar(string name) => ((HostTensor<float>)outputs[name]).Span[0];
        var errors = tensors.ToDictionary(t => t, _ => Order.ToDictionary(m => m, _ => 0.0), StringComparer.Ordinal);
        var measured = new HashSet<int>();
        foreach (var (k, methods, error) in branches)
        {
            double energy = Scalar(energies[k]);
            if (!(energy > 0) || !double.IsFinite(energy))
            {
                continue; // an all-zero output tells nothing about the methods
            }
            measured.Add(k);
            double relative = Scalar(error) / energy;
            foreach (CalibrationMethod m in methods)
            {
                errors[probed[k].Consumer.Tensor][m] += double.IsNaN(relative) ? double.PositiveInfinity : relative;
            }
        }
        var result = new Dictionary<string, Choice>(StringComparer.Ordinal);
        foreach (string t in tensors)
        {
            var mine = Enumerable.Range(0, probed.Count).Where(k => measured.Contains(k) && probed[k].Consumer.Tensor == t).ToList();
            if (mine.Count > 0)
            {
                var byMethod = errors[t];
                CalibrationMethod best = Order.Aggregate((a, b) => byMethod[b] < byMethod[a] ? b : a);
                result[t] = new Choice(t, best, byMethod, [.. mine.Select(k => $"{probed[k].Consumer.Node.OpType} '{probed[k].Consumer.Node.Name}'")]);
            }
        }
        return result;
    }

    /// <summary>
    /// A Conv on a large enough input with its strides doubled: it computes every second output position along each
    /// spatial axis, each exactly as the layer does (every input value is still quantized, and each computed output
    /// reads its whole receptive field), for a quarter of the work on images. SAME padding depends on the stride, so
    /// such a Conv is left as it is.
    /// </summary>
    internal static NodeProto Sampled(NodeProto node, ReadOnlySpan<long> inputShape)
    {
        int spatial = inputShape.Length - 2;
        string autoPad = node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        if (node.OpType != "Conv" || spatial < 1 || autoPad.StartsWith("SAME", StringComparison.Ordinal) || inputShape[2..].ToArray().Any(d => d < SampledSide))
        {
            return node;
        }
        var clone = node.Clone();
        var strides = clone.Attribute.FirstOrDefault(a => a.Name == "strides");
        if (strides is null)
        {
            strides = new AttributeProto { Name = "strides", Type = AttributeProto.Types.AttributeType.Ints };
            strides.Ints.AddRange(Enumerable.Repeat(1L, spatial));
            clone.Attribute.Add(strides);
        }
        for (int i = 0; i < strides.Ints.Count; i++)
        {
            strides.Ints[i] *= 2;
        }
        return clone;
    }

    // Per spatial axis, the input positions one output reads: (kernel − 1)·dilation + 1.
    private static IEnumerable<long> KernelExtents(NodeProto conv, TensorProto weight)
    {
        var kernel = conv.Attribute.FirstOrDefault(a => a.Name == "kernel_shape") is { Ints.Count: > 0 } k ? k.Ints.ToArray() : weight.Dims.Skip(2).ToArray();
        var dilations = conv.Attribute.FirstOrDefault(a => a.Name == "dilations")?.Ints;
        return kernel.Select((size, i) => ((size - 1) * (dilations is { Count: > 0 } d && i < d.Count ? d[i] : 1)) + 1);
    }

    private static long? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I;

    /// <summary>One candidate's Q/DQ model, indexed to read the parameters it gave a consumer's input.</summary>
    private sealed class CandidateGraph(ModelProto model)
    {
        private readonly OnnxGraphIndex _index = new(model.Graph);
        private readonly Dictionary<string, NodeProto> _byName = model.Graph.Node.Where(n => n.Name.Length > 0)
            .GroupBy(n => n.Name, StringComparer.Ordinal).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        public QuantParams? InputParameters(Consumer consumer)
        {
            if (!_byName.TryGetValue(consumer.Node.Name, out var node) || node.OpType != consumer.Node.OpType
                || _index.Producer(node.Input[0]) is not { OpType: "DequantizeLinear" } dq || dq.Input.Count < 3
                || _index.Producer(dq.Input[0]) is not { OpType: "QuantizeLinear" } q || q.Input.Count < 3
                || q.Input[0] != consumer.Tensor || q.Input[1] != dq.Input[1] || q.Input[2] != dq.Input[2]
                || _index.Constant(dq.Input[1]) is not { DataType: (int)TensorElementType.Float } scale
                || _index.Constant(dq.Input[2]) is not { DataType: (int)TensorElementType.Int8 or (int)TensorElementType.UInt8 } zeroPoint)
            {
                return null;
            }
            float[] scales = OnnxTensors.ReadFiniteFloats(scale);
            byte[] zero = [.. OnnxTensors.ToHostTensor(zeroPoint).AsBytes()];
            if (scales.Length != 1 || zero.Length != 1)
            {
                return null;
            }
            int type = zeroPoint.DataType;
            return new QuantParams(type, scales[0], type == (int)TensorElementType.Int8 ? (sbyte)zero[0] : zero[0]);
        }
    }
}
