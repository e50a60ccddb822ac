using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Accumulates Q/DQ edits on one graph and applies them at the end: activation Q→DQ pairs (emitted right after the
/// producer, so the node list stays topologically sorted), weight/bias DequantizeLinear over integer initializers
/// (emitted first), consumer rewiring, and removal of float weights nothing reads any more.
/// </summary>
internal sealed class QdqGraphEditor
{
    private readonly List<NodeProto> _prologue = [];
    private readonly Dictionary<NodeProto, List<NodeProto>> _after = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _activationDq = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QuantParams> _activationParams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string, float[])> _constantDq = new(StringComparer.Ordinal);
    private readonly HashSet<string> _replacedConstants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _dqSources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _weightSources = new(StringComparer.Ordinal);
    private readonly HashSet<NodeProto> _removed = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _names;

    public QdqGraphEditor(OnnxGraphIndex index, QdqReport report)
    {
        Index = index;
        Report = report;
        _names = index.NamesInUse();
    }

    public OnnxGraphIndex Index { get; }

    public QdqReport Report { get; }

    /// <summary>The float tensor behind a DequantizeLinear output this editor created, or null.</summary>
    public string? SourceOf(string dequantized) => _dqSources.GetValueOrDefault(dequantized);

    /// <summary>The constant <paramref name="name"/> is, or the float weight or bias behind a DequantizeLinear this editor created for one; null otherwise.</summary>
    public TensorProto? ConstantBehind(string name) => Index.Constant(name) ?? _weightSources.GetValueOrDefault(name);

    /// <summary>Parameters already given to activation <paramref name="tensor"/>, if any.</summary>
    public QuantParams? ParamsOf(string tensor) => _activationParams.TryGetValue(tensor, out var p) ? p : null;

    /// <summary>Output of the Q→DQ pair on <paramref name="tensor"/>, created on first request (one pair per tensor).</summary>
    public string QuantizeActivation(string tensor, QuantParams p, string note)
    {
        if (_activationDq.TryGetValue(tensor, out var existing))
        {
            return existing;
        }

        var scale = UniqueName(tensor + "_scale");
        var zeroPoint = UniqueName(tensor + "_zero_point");
        AddParams(scale, zeroPoint, p);
        return AddPair(tensor, scale, zeroPoint, tensor, scale, zeroPoint, p, note);
    }

    /// <summary>
    /// A Q→DQ pair that stands for <paramref name="replaced"/> but quantizes <paramref name="source"/> with
    /// <paramref name="quantize"/> and dequantizes with <paramref name="dequantize"/>: when replaced = a·source + c and the
    /// parameters differ by exactly that affine map, the pair computes the affine in the integer domain. Returns the DQ
    /// output; <see cref="SourceOf"/> and <see cref="ParamsOf"/> then answer for <paramref name="replaced"/>.
    /// </summary>
    public string QuantizeActivationAs(string source, QuantParams quantize, string replaced, QuantParams dequantize, string note)
    {
        var qScale = UniqueName(source + "_scale");
        var qZeroPoint = UniqueName(source + "_zero_point");
        var scale = UniqueName(replaced + "_scale");
        var zeroPoint = UniqueName(replaced + "_zero_point");
        AddParams(qScale, qZeroPoint, quantize);
        AddParams(scale, zeroPoint, dequantize);
        return AddPair(source, qScale, qZeroPoint, replaced, scale, zeroPoint, dequantize, note);
    }

    private void AddParams(string scale, string zeroPoint, QuantParams p) => AddParams(Index.Graph, scale, zeroPoint, p);

    /// <summary>Adds <paramref name="p"/> to <paramref name="graph"/> as a float scalar scale and an int8/uint8 scalar zero point.</summary>
    internal static void AddParams(GraphProto graph, string scale, string zeroPoint, QuantParams p)
    {
        graph.Initializer.Add(OnnxTensors.Floats(scale, [p.Scale], scalar: true));
        graph.Initializer.Add(p.ElementType == (int)TensorElementType.UInt8
            ? OnnxTensors.UInt8Scalar(zeroPoint, (byte)p.ZeroPoint)
            : OnnxTensors.Int8(zeroPoint, [], [(sbyte)p.ZeroPoint]));
    }

    /// <summary>
    /// Q on <paramref name="source"/> then DQ, placed after its producer; the DQ output stands for
    /// <paramref name="replaced"/> (the same tensor, except for an affine computed in the integer domain).
    /// </summary>
    private string AddPair(string source, string qScale, string qZeroPoint, string replaced, string scale, string zeroPoint, QuantParams dequantize, string note)
    {
        var quantized = UniqueName(replaced + "_quantized");
        var dequantized = UniqueName(replaced + "_dequantized");
        var q = Node("QuantizeLinear", UniqueName(replaced + "_QuantizeLinear"), [source, qScale, qZeroPoint], quantized);
        var dq = Node("DequantizeLinear", UniqueName(replaced + "_DequantizeLinear"), [quantized, scale, zeroPoint], dequantized);
        var producer = Index.Producer(source);
        var list = producer is null ? _prologue : AfterList(producer);
        list.Add(q);
        list.Add(dq);

        _activationDq[replaced] = dequantized;
        _dqSources[dequantized] = replaced;
        _activationParams[replaced] = dequantize;
        Report._tensors.Add(new QuantizedTensor(replaced, QuantizedTensorKind.Activation, dequantize.ElementType, [dequantize.Scale], [dequantize.ZeroPoint], null, note));
        return dequantized;
    }

    /// <summary>Whether <see cref="Remove"/> was called for <paramref name="node"/>.</summary>
    public bool IsRemoved(NodeProto node) => _removed.Contains(node);

    /// <summary>
    /// Output of DequantizeLinear over a symmetric int8 copy of constant <paramref name="name"/>; per-channel along
    /// <paramref name="axis"/> when given. Scales come from the constant's own values.
    /// </summary>
    public (string Output, float[] Scales) QuantizeWeight(string name, TensorProto constant, int? axis, string note)
    {
        var key = $"{name}\u0001{axis}";
        if (_constantDq.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var values = OnnxTensors.ReadFiniteFloats(constant);
        var dims = constant.Dims;
        var amax = axis is int a ? QuantizationMath.PerChannelAmax(values, dims, a) : [values.Length == 0 ? 0f : values.Max(MathF.Abs)];
        var scales = amax.Select(QuantizationMath.SymmetricScale).ToArray();
        var zeroChannels = amax.Count(v => v == 0f);
        if (zeroChannels > 0)
        {
            Report._warnings.Add($"weight '{name}': {zeroChannels} of {amax.Length} channel(s) are all zero; they get the fallback scale 1/127");
        }

        var q = QuantizationMath.QuantizeSymmetricInt8(values, dims, axis ?? 0, scales);
        var suffix = axis is null ? string.Empty : $"_axis{axis}";
        var quantizedName = UniqueName(name + "_quantized" + suffix);
        var scaleName = UniqueName(name + "_scale" + suffix);
        var zeroName = UniqueName(name + "_zero_point" + suffix);
        var output = UniqueName(name + "_dequantized" + suffix);
        Index.Graph.Initializer.Add(OnnxTensors.Int8(quantizedName, dims, q));
        Index.Graph.Initializer.Add(OnnxTensors.Floats(scaleName, scales, scalar: axis is null));
        Index.Graph.Initializer.Add(OnnxTensors.Int8Zeros(zeroName, scales.Length, scalar: axis is null));
        var dq = Node("DequantizeLinear", UniqueName(name + "_DequantizeLinear" + suffix), [quantizedName, scaleName, zeroName], output);
        if (axis is int ax)
        {
            dq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = ax });
        }

        _prologue.Add(dq);
        _constantDq[key] = (output, scales);
        _weightSources[output] = constant;
        _replacedConstants.Add(name);
        Report._tensors.Add(new QuantizedTensor(name, QuantizedTensorKind.Weight, (int)TensorElementType.Int8, scales, new int[scales.Length], axis, note));
        return (output, scales);
    }

    /// <summary>Output of DequantizeLinear over an int32 copy of bias <paramref name="name"/> with the given per-channel scales.</summary>
    public string QuantizeBias(string name, TensorProto constant, float[] scales, string note)
    {
        var values = OnnxTensors.ReadFiniteFloats(constant);
        var q = QuantizationMath.QuantizeBiasInt32(values, scales);
        var quantizedName = UniqueName(name + "_quantized");
        var scaleName = UniqueName(name + "_scale");
        var zeroName = UniqueName(name + "_zero_point");
        var output = UniqueName(name + "_dequantized");
        Index.Graph.Initializer.Add(OnnxTensors.Int32(quantizedName, constant.Dims, q));
        Index.Graph.Initializer.Add(OnnxTensors.Floats(scaleName, scales, scalar: false));
        Index.Graph.Initializer.Add(OnnxTensors.Int32(zeroName, [scales.Length], new int[scales.Length]));
        var dq = Node("DequantizeLinear", UniqueName(name + "_DequantizeLinear"), [quantizedName, scaleName, zeroName], output);
        dq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        _prologue.Add(dq);
        _weightSources[output] = constant;
        _replacedConstants.Add(name);
        Report._tensors.Add(new QuantizedTensor(name, QuantizedTensorKind.Bias, (int)TensorElementType.Int32, scales, new int[scales.Length], 0, note));
        return output;
    }

    /// <summary>Removes <paramref name="node"/> from the output graph (its consumers must have been rewired).</summary>
    public void Remove(NodeProto node) => _removed.Add(node);

    /// <summary>Writes the edits into the graph.</summary>
    public void Apply()
    {
        var graph = Index.Graph;
        var nodes = new List<NodeProto>(graph.Node.Count + _prologue.Count);
        nodes.AddRange(_prologue);
        foreach (var node in graph.Node)
        {
            if (!_removed.Contains(node))
            {
                nodes.Add(node);
            }

            if (_after.TryGetValue(node, out var list))
            {
                nodes.AddRange(list);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        // Float weights that only fed quantized nodes are dropped, so the file does not carry every weight twice.
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        CollectInputs(graph, referenced);
        foreach (var name in _replacedConstants.Where(n => !referenced.Contains(n) && !Index.GraphOutputs.Contains(n)))
        {
            for (var i = graph.Initializer.Count - 1; i >= 0; i--)
            {
                if (graph.Initializer[i].Name == name)
                {
                    graph.Initializer.RemoveAt(i);
                }
            }

            for (var i = graph.Input.Count - 1; i >= 0; i--)
            {
                if (graph.Input[i].Name == name)
                {
                    graph.Input.RemoveAt(i);
                }
            }
        }
    }

    internal static void CollectInputs(GraphProto graph, HashSet<string> names)
    {
        // Subgraphs may read outer-scope tensors by name, so they count as readers too.
        foreach (var node in graph.Node)
        {
            names.UnionWith(node.Input);
            foreach (var attr in node.Attribute)
            {
                if (attr.G is not null)
                {
                    CollectInputs(attr.G, names);
                }

                foreach (var g in attr.Graphs)
                {
                    CollectInputs(g, names);
                }
            }
        }
    }

    // A tensor or node name not used anywhere in the graph yet (nor by an earlier edit).
    private string UniqueName(string wanted) => UniqueNames.Unique(wanted, _names);

    private List<NodeProto> AfterList(NodeProto producer)
    {
        if (!_after.TryGetValue(producer, out var list))
        {
            _after[producer] = list = [];
        }

        return list;
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
