using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// One ONNX Runtime model that stands for several Q/DQ candidates differing only in constant values (activation
/// scales and zero points, and biases quantized with them): those constants become graph inputs, fed per run with
/// each candidate's values, so one session judges them all instead of one session each. Every activation Q/DQ
/// parameter and every int32 bias is fed, even where all candidates agree, so each candidate is judged on the same
/// kind of graph, alone or in a group. With the biases fed ONNX Runtime forms no QLinearConv (scales fed alone would not
/// stop it), so on the ort-cpu placement the judge computes in float32 with every quantized tensor rounded to its grid
/// ("fake quantization"), a close stand-in for the integer kernels, not their arithmetic (requantization rounds
/// differently); on the trt placement that is TensorRT's meaning of Q/DQ. The candidates' own models keep their
/// constants; this copy is only for judging.
/// </summary>
internal sealed class JudgeModel
{
    private readonly ModelProto _first;
    private readonly HashSet<string> _varying;

    private JudgeModel(ModelProto proto, IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> feeds, ModelProto first, HashSet<string> varying)
    {
        Proto = proto;
        Feeds = feeds;
        _first = first;
        _varying = varying;
    }

    /// <summary>The shared model (constants that differ between candidates are graph inputs).</summary>
    public ModelProto Proto { get; }

    /// <summary>Per candidate, in the order given, the values of those inputs.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> Feeds { get; }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> have the same graph apart from initializer values (same names, types, shapes).</summary>
    public static bool SameStructure(ModelProto a, ModelProto b)
    {
        GraphProto x = a.Graph, y = b.Graph;
        if (!x.Node.Equals(y.Node) || !x.Input.Equals(y.Input) || !x.Output.Equals(y.Output) || !a.OpsetImport.Equals(b.OpsetImport)
            || x.Initializer.Count != y.Initializer.Count)
        {
            return false;
        }
        for (int i = 0; i < x.Initializer.Count; i++)
        {
            TensorProto p = x.Initializer[i], q = y.Initializer[i];
            if (p.Name != q.Name || p.DataType != q.DataType || !p.Dims.Equals(q.Dims))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Builds the shared model for <paramref name="models"/>, which must all have <see cref="SameStructure"/> as the first.
    /// Weight DequantizeLinear nodes stay as they are (their inputs are the same in every candidate), so the shared
    /// model computes what each candidate's own model computes at the same ONNX Runtime optimization level.
    /// </summary>
    public static JudgeModel Create(IReadOnlyList<ModelProto> models)
    {
        ArgumentOutOfRangeException.ThrowIfZero(models.Count);
        var proto = models[0].Clone();
        GraphProto graph = proto.Graph;
        var varying = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Initializer.Count; i++)
        {
            if (models.Skip(1).Any(m => !m.Graph.Initializer[i].Equals(graph.Initializer[i])))
            {
                varying.Add(graph.Initializer[i].Name);
            }
        }
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (NodeProto node in graph.Node.Where(n => n.OpType is "QuantizeLinear" or "DequantizeLinear" && OnnxGraphIndex.IsDefaultDomain(n)))
        {
            if (!initializers.TryGetValue(node.Input[0], out var data))
            {
                // An activation quantizer: its scale and zero point.
                varying.UnionWith(node.Input.Skip(1).Where(initializers.ContainsKey));
            }
            else if (data.DataType == (int)TensorElementType.Int32)
            {
                // A bias quantized with an activation scale: its values and its scale.
                varying.Add(data.Name);
                varying.UnionWith(node.Input.Skip(1).Take(1).Where(initializers.ContainsKey));
            }
        }
        var feeds = models.Select(m => (IReadOnlyDictionary<string, HostTensor>)FeedsOf(m, varying)).ToList();
        foreach (string name in varying)
        {
            TensorProto constant = initializers[name];
            for (int i = graph.Input.Count - 1; i >= 0; i--)
            {
                if (graph.Input[i].Name == name)
                {
                    graph.Input.RemoveAt(i);
                }
            }
            var shape = new TensorShapeProto();
            shape.Dim.AddRange(constant.Dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            graph.Input.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = constant.DataType, Shape = shape } },
            });
        }
        var kept = graph.Initializer.Where(t => !varying.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(kept);
        return new JudgeModel(proto, feeds, models[0], varying);
    }

    /// <summary>
    /// The values to feed for <paramref name="model"/>, a candidate this shared model was not made from (e.g. one built
    /// after its session was opened): null unless it passes the test <see cref="Create"/>'s callers group by
    /// (<see cref="SameStructure"/>: nodes, inputs, outputs, opsets, initializer names, types and shapes) and every
    /// initializer it does not feed holds this model's values. What that test does not look at (functions, value_info,
    /// sparse initializers) is taken from this model, as for a candidate grouped with it.
    /// </summary>
    public IReadOnlyDictionary<string, HostTensor>? FeedsFor(ModelProto model)
    {
        if (!SameStructure(_first, model))
        {
            return null;
        }
        var initializers = _first.Graph.Initializer;
        for (int i = 0; i < initializers.Count; i++)
        {
            // SameStructure matched the names in order.
            if (!_varying.Contains(initializers[i].Name) && !initializers[i].Equals(model.Graph.Initializer[i]))
            {
                return null;
            }
        }
        return FeedsOf(model, _varying);
    }

    private static Dictionary<string, HostTensor> FeedsOf(ModelProto model, HashSet<string> varying) =>
        model.Graph.Initializer.Where(t => varying.Contains(t.Name)).ToDictionary(t => t.Name, t => OnnxTensors.ToHostTensor(t), StringComparer.Ordinal);
}
