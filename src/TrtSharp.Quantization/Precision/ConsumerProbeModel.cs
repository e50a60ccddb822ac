using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// The probe graph <see cref="ConsumerErrorProbe"/> runs: weighted layers cloned onto fed tensors (with their weights),
/// each once on the float tensor and once per set of quantization parameters, with sums of squares as outputs. Every
/// name it adds is made unique against the source model's names, so nothing a user named can collide.
/// </summary>
internal sealed class ConsumerProbeModel
{
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly HashSet<string> _added = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken;
    private readonly Dictionary<(string Tensor, QuantParams Parameters), string> _dequantized = [];

    public ConsumerProbeModel(ModelProto model)
    {
        _initializers = model.Graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _taken = new OnnxGraphIndex(model.Graph).NamesInUse();
        Proto = new ModelProto { IrVersion = model.IrVersion, Graph = new GraphProto { Name = "consumer_error_probe" } };
        Proto.OpsetImport.AddRange(model.OpsetImport);
    }

    public ModelProto Proto { get; }

    public void AddInput(string name, HostTensor<float> value) =>
        Proto.Graph.Input.Add(OnnxTypes.ToValueInfo(new TensorDescriptor(name, TensorElementType.Float, value.ShapeArray())));

    /// <summary>A copy of <paramref name="node"/> reading <paramref name="input"/> at input 0; returns its output.</summary>
    public string AddConsumer(NodeProto node, string input, string name)
    {
        var clone = node.Clone();
        string output = Unique(name);
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

    /// <summary>QuantizeLinear then DequantizeLinear of <paramref name="input"/> (once per tensor and parameters); returns the DQ output.</summary>
    public string AddQuantizeDequantize(string input, QuantParams parameters)
    {
        if (_dequantized.TryGetValue((input, parameters), out var existing))
        {
            return existing;
        }
        string scale = Unique(input + "_probe_scale"), zeroPoint = Unique(input + "_probe_zero_point");
        QdqGraphEditor.AddParams(Proto.Graph, scale, zeroPoint, parameters);
        string quantized = Unique(input + "_probe_quantized"), dequantized = Unique(input + "_probe_dequantized");
        Proto.Graph.Node.Add(new NodeProto { OpType = "QuantizeLinear", Name = quantized, Input = { input, scale, zeroPoint }, Output = { quantized } });
        Proto.Graph.Node.Add(new NodeProto { OpType = "DequantizeLinear", Name = dequantized, Input = { quantized, scale, zeroPoint }, Output = { dequantized } });
        _dequantized[(input, parameters)] = dequantized;
        return dequantized;
    }

    /// <summary>Σ(a − b)² as a graph output; returns its name.</summary>
    public string AddSquaredDifference(string a, string b, string name)
    {
        string difference = Unique(name + "_difference");
        Proto.Graph.Node.Add(new NodeProto { OpType = "Sub", Name = difference, Input = { a, b }, Output = { difference } });
        return AddSumOfSquares(difference, name);
    }

    /// <summary>Σx² as a graph output; returns its name.</summary>
    public string AddSumOfSquares(string input, string name)
    {
        string output = Unique(name);
        // No axes: every axis is reduced, in every opset (axes moved to an input in 18).
        var reduce = new NodeProto { OpType = "ReduceSumSquare", Name = output, Input = { input }, Output = { output } };
        reduce.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        Proto.Graph.Node.Add(reduce);
        Proto.Graph.Output.Add(new ValueInfoProto { Name = output });
        return output;
    }

    private string Unique(string name) => UniqueNames.Unique(name, _taken);
}
