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
/// quantized with each method's range, and the tensor gets the method whose consumer outputs come closest (squared
/// error relative to the output's energy, summed over its consumers). A method's own criterion (entropy, MSE of the
/// tensor itself) sees only the tensor; the weights decide which errors survive — clipping a few large values that a
/// filter amplifies can cost more than rounding many small ones.
/// All consumers run in one small ONNX Runtime model (no optimizations, so it opens fast) on the values of one batch.
/// </summary>
internal static class ConsumerErrorProbe
{
    /// <summary>Ties (identical ranges) keep the earlier: MSE, the choice without data, first.</summary>
    private static readonly CalibrationMethod[] Order = [CalibrationMethod.Mse, CalibrationMethod.Entropy, CalibrationMethod.Percentile, CalibrationMethod.Max];

    /// <summary>A weighted node reading a calibrated tensor at its data input.</summary>
    internal sealed record Consumer(string Tensor, NodeProto Node);

    /// <summary>How one tensor's methods did at its consumers.</summary>
    /// <param name="Tensor">The tensor.</param>
    /// <param name="Method">The method with the least error.</param>
    /// <param name="RelativeError">Per method: Σ over consumers of ‖y(q(x)) − y(x)‖² / ‖y(x)‖².</param>
    /// <param name="Consumers">The consumers' display names.</param>
    internal sealed record Choice(string Tensor, CalibrationMethod Method, IReadOnlyDictionary<CalibrationMethod, double> RelativeError, IReadOnlyList<string> Consumers)
    {
        /// <summary>Why, in one line.</summary>
        public string Reason =>
            $"per tensor: {GuardedRanges.Name(Method)} gave the least error at the output of {string.Join(", ", Consumers)} (relative squared error "
            + string.Join(", ", Order.Where(RelativeError.ContainsKey).Select(m => $"{GuardedRanges.Name(m)} {RelativeError[m].ToString("0.###e+0", CultureInfo.InvariantCulture)}")) + ")";
    }

    /// <summary>
    /// The consumers of <paramref name="tensors"/> in <paramref name="model"/> (main graph): Conv, ConvTranspose,
    /// MatMul and Gemm reading one at input 0 whose other inputs are all initializers a caller cannot override.
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
                || node.Input.Count < 2 || node.Output.Count < 1 || !tensors(node.Input[0]))
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
    /// The tensors every consumer of which is a Conv or ConvTranspose: their first axis is the batch, each sample
    /// computed alone, and every position computed alike, so one sample, cropped, is enough to probe them.
    /// </summary>
    public static IReadOnlySet<string> ConvolutionInputs(IReadOnlyList<Consumer> consumers) =>
        consumers.GroupBy(c => c.Tensor, StringComparer.Ordinal)
            .Where(g => g.All(c => c.Node.OpType is "Conv" or "ConvTranspose"))
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Runs every consumer in <paramref name="consumers"/> whose tensor has values in <paramref name="values"/> on them,
    /// float and quantized with each method's range of <paramref name="ranges"/> (as the placement
    /// <paramref name="profile"/> quantizes: symmetric int8, or asymmetric uint8), and chooses per tensor.
    /// </summary>
    public static IReadOnlyDictionary<string, Choice> Choose(ModelProto model, IReadOnlyList<Consumer> consumers, IReadOnlyDictionary<string, HostTensor<float>> values,
        IReadOnlyDictionary<CalibrationMethod, Dictionary<string, TensorRangeReport>> ranges, QdqProfile profile, OnnxRuntimeOptions runtime)
    {
        var probed = consumers.Where(c => values.ContainsKey(c.Tensor) && ranges.Values.All(r => r.ContainsKey(c.Tensor))).ToList();
        if (probed.Count == 0)
        {
            return new Dictionary<string, Choice>(StringComparer.Ordinal);
        }
        var probe = new ProbeModel(model, profile);
        var branches = new List<(int Consumer, CalibrationMethod[] Methods, string Error)>();
        var powers = new List<string>();
        var tensors = probed.Select(c => c.Tensor).Distinct(StringComparer.Ordinal).ToList();
        foreach (string tensor in tensors)
        {
            probe.AddInput(tensor, values[tensor]);
        }
        for (int k = 0; k < probed.Count; k++)
        {
            var (tensor, node) = probed[k];
            node = Sampled(node, values[tensor].Shape);
            string reference = probe.AddConsumer(node, tensor, $"probe{k}_float");
            powers.Add(probe.AddSumOfSquares(reference, $"probe{k}_energy"));
            // Methods that give the same quantization parameters share one branch.
            foreach (var group in Order.GroupBy(m => probe.Parameters(ranges[m][tensor])))
            {
                string dequantized = probe.AddQuantizeDequantize(tensor, group.Key, $"probe{k}_{GuardedRanges.Name(group.First())}");
                string quantized = probe.AddConsumer(node, dequantized, $"probe{k}_{GuardedRanges.Name(group.First())}_out");
                string error = probe.AddSquaredDifference(quantized, reference, $"probe{k}_{GuardedRanges.Name(group.First())}_error");
                branches.Add((k, [.. group], error));
            }
        }
        var options = runtime.Clone();
        // Each node runs once: graph optimizations would cost more to apply than they save.
        options.GraphOptimization = OnnxRuntimeGraphOptimization.Disabled;
        options.LogSeverity = OnnxRuntimeLogSeverity.Error;
        IReadOnlyDictionary<string, HostTensor> outputs;
        using (var session = OnnxRuntimeSession.FromModel(probe.Proto, options))
        {
            outputs = session.Run(tensors.ToDictionary(t => t, t => (HostTensor)values[t], StringComparer.Ordinal));
        }
        double Scalar(string name) => ((HostTensor<float>)outputs[name]).Span[0];
        var errors = tensors.ToDictionary(t => t, _ => Order.ToDictionary(m => m, _ => 0.0), StringComparer.Ordinal);
        foreach (var (k, methods, error) in branches)
        {
            double energy = Scalar(powers[k]);
            if (energy > 0 && double.IsFinite(energy))
            {
                double relative = Scalar(error) / energy;
                foreach (CalibrationMethod m in methods)
                {
                    errors[probed[k].Tensor][m] += relative;
                }
            }
        }
        return tensors.ToDictionary(t => t, t =>
        {
            var byMethod = errors[t];
            CalibrationMethod best = Order.Aggregate((a, b) => byMethod[b] < byMethod[a] ? b : a);
            return new Choice(t, best, byMethod, [.. probed.Where(c => c.Tensor == t).Select(c => $"{c.Node.OpType} '{Display(c.Node)}'")]);
        }, StringComparer.Ordinal);
    }

    /// <summary>Smallest spatial side of a Conv input at which the probe computes every second output position only.</summary>
    internal const int SampledSide = 16;

    /// <summary>
    /// A Conv on a large enough input with its strides doubled: it computes every second output position along each
    /// spatial axis, each exactly as the layer does (every input value is still quantized, and each computed output
    /// reads its whole receptive field), for a quarter of the work on images.
    /// </summary>
    internal static NodeProto Sampled(NodeProto node, ReadOnlySpan<long> inputShape)
    {
        int spatial = inputShape.Length - 2;
        if (node.OpType != "Conv" || spatial < 1 || inputShape[2..].ToArray().Any(d => d < SampledSide))
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

    private static string Display(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output[0];

    /// <summary>The probe graph under construction: the consumers cloned onto fed tensors, with their weights.</summary>
    private sealed class ProbeModel
    {
        private readonly Dictionary<string, TensorProto> _initializers;
        private readonly HashSet<string> _added = new(StringComparer.Ordinal);
        private readonly QdqProfile _profile;
        private int _constants;

        public ProbeModel(ModelProto model, QdqProfile profile)
        {
            _profile = profile;
            _initializers = model.Graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            Proto = new ModelProto { IrVersion = model.IrVersion, Graph = new GraphProto { Name = "consumer_error_probe" } };
            Proto.OpsetImport.AddRange(model.OpsetImport);
        }

        public ModelProto Proto { get; }

        public void AddInput(string name, HostTensor<float> value) =>
            Proto.Graph.Input.Add(OnnxTypes.ToValueInfo(new TensorDescriptor(name, TensorElementType.Float, value.ShapeArray())));

        /// <summary>The scale and zero point the placement would give this range.</summary>
        public (float Scale, int ZeroPoint) Parameters(TensorRangeReport range) => _profile == QdqProfile.OrtCpu
            ? QuantizationMath.AsymmetricUInt8(Math.Clamp(range.Min, -range.Amax, range.Amax), Math.Clamp(range.Max, -range.Amax, range.Amax))
            : (QuantizationMath.SymmetricScale(range.Amax), 0);

        public string AddConsumer(NodeProto node, string input, string output)
        {
            var clone = node.Clone();
            clone.Name = output;
            clone.Input[0] = input;
            clone.Output.Clear();
            clone.Output.Add(output);
            foreach (string weight in node.Input.Skip(1).Where(i => i.Length > 0))
            {
                if (_added.Add(weight))
                {
                    Proto.Graph.Initializer.Add(_initializers[weight]);
                }
            }
            Proto.Graph.Node.Add(clone);
            return output;
        }

        public string AddQuantizeDequantize(string input, (float Scale, int ZeroPoint) parameters, string output)
        {
            string scale = $"probe_scale{_constants}", zeroPoint = $"probe_zero_point{_constants}";
            _constants++;
            Proto.Graph.Initializer.Add(OnnxTensors.Floats(scale, [parameters.Scale], scalar: true));
            Proto.Graph.Initializer.Add(_profile == QdqProfile.OrtCpu
                ? OnnxTensors.UInt8Scalar(zeroPoint, (byte)parameters.ZeroPoint)
                : OnnxTensors.Int8Zeros(zeroPoint, 1, scalar: true));
            Proto.Graph.Node.Add(new NodeProto { OpType = "QuantizeLinear", Name = output + "_q", Input = { input, scale, zeroPoint }, Output = { output + "_q" } });
            Proto.Graph.Node.Add(new NodeProto { OpType = "DequantizeLinear", Name = output, Input = { output + "_q", scale, zeroPoint }, Output = { output } });
            return output;
        }

        public string AddSquaredDifference(string a, string b, string output)
        {
            Proto.Graph.Node.Add(new NodeProto { OpType = "Sub", Name = output + "_diff", Input = { a, b }, Output = { output + "_diff" } });
            return AddSumOfSquares(output + "_diff", output);
        }

        public string AddSumOfSquares(string input, string output)
        {
            // No axes: every axis is reduced, in every opset (axes moved to an input in 18).
            var reduce = new NodeProto { OpType = "ReduceSumSquare", Name = output, Input = { input }, Output = { output } };
            reduce.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
            Proto.Graph.Node.Add(reduce);
            Proto.Graph.Output.Add(new ValueInfoProto { Name = output });
            return output;
        }
    }
}
