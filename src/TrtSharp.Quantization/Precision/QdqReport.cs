namespace TrtSharp.Quantization.Precision;

/// <summary>What <see cref="QdqInserter"/> did: every quantized tensor with its parameters, every node decision, warnings.</summary>
public sealed class QdqReport
{
    internal QdqReport(QdqProfile profile, long originalOpset, long opset)
    {
        Profile = profile;
        OriginalOpset = originalOpset;
        Opset = opset;
    }

    /// <summary>The placement profile used.</summary>
    public QdqProfile Profile { get; }

    /// <summary>The default-domain opset of the input model (as the user's file had it, before normalization).</summary>
    public long OriginalOpset { get; internal set; }

    /// <summary>The default-domain opset of the output model (at least 13).</summary>
    public long Opset { get; }

    /// <summary>Tensors that got quantization parameters, in insertion order.</summary>
    public IReadOnlyList<QuantizedTensor> Tensors => _tensors;

    /// <summary>One decision per node of the input graph, in graph order.</summary>
    public IReadOnlyList<NodeDecision> Nodes => _nodes;

    /// <summary>Things the user should look at: unmatched patterns, zero ranges, skipped tensors.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    internal readonly List<QuantizedTensor> _tensors = [];
    internal readonly List<NodeDecision> _nodes = [];
    internal readonly List<string> _warnings = [];

    /// <summary>The entry for tensor <paramref name="name"/> (the original float tensor's name), or null.</summary>
    public QuantizedTensor? FindTensor(string name) => _tensors.Find(t => t.Name == name);

    /// <summary>The decision for node <paramref name="name"/>, or null.</summary>
    public NodeDecision? FindNode(string name) => _nodes.Find(n => n.NodeName == name);

    /// <summary>A few lines a person can read.</summary>
    public override string ToString()
    {
        var quantized = _nodes.Count(n => n.Status == NodeStatus.Quantized);
        return $"Q/DQ ({Profile}, opset {OriginalOpset}→{Opset}): {quantized} of {_nodes.Count} nodes quantized, "
            + $"{_tensors.Count} tensors with Q/DQ, {_warnings.Count} warnings"
            + string.Concat(_warnings.Select(w => Environment.NewLine + "  warning: " + w));
    }
}

/// <summary>The role of a quantized tensor.</summary>
public enum QuantizedTensorKind
{
    /// <summary>A runtime activation (graph input or node output) with a Q→DQ pair.</summary>
    Activation,

    /// <summary>A constant weight stored as an INT8 initializer followed by DequantizeLinear.</summary>
    Weight,

    /// <summary>A constant bias stored as an INT32 initializer followed by DequantizeLinear (ORT CPU profile).</summary>
    Bias,
}

/// <summary>Quantization parameters given to one tensor.</summary>
/// <param name="Name">The original float tensor's name.</param>
/// <param name="Kind">Activation, weight or bias.</param>
/// <param name="ElementType">Quantized element type (ONNX numbering: 2 uint8, 3 int8, 6 int32).</param>
/// <param name="Scales">One scale (per tensor) or one per channel along <paramref name="Axis"/>.</param>
/// <param name="ZeroPoints">Zero points, same length as <paramref name="Scales"/>.</param>
/// <param name="Axis">The channel axis for per-channel parameters, null for per-tensor.</param>
/// <param name="Note">Why these parameters (e.g. "amax 0: documented fallback scale").</param>
public sealed record QuantizedTensor(
    string Name,
    QuantizedTensorKind Kind,
    int ElementType,
    IReadOnlyList<float> Scales,
    IReadOnlyList<int> ZeroPoints,
    int? Axis,
    string Note);

/// <summary>What happened to a node.</summary>
public enum NodeStatus
{
    /// <summary>Its inputs (and, per profile, outputs/weights) got Q/DQ.</summary>
    Quantized,

    /// <summary>Kept in float because an exclusion option matched it.</summary>
    Excluded,

    /// <summary>Kept in float by the profile's rules (first/last conv, non-float tensor, …).</summary>
    Skipped,

    /// <summary>Not a quantization point: runs in whatever precision its producer's fusion gives it.</summary>
    Inherits,

    /// <summary>Removed by a fold (ORT CPU: Max(x, c) folded into x's quantizer).</summary>
    Folded,
}

/// <summary>The decision taken for one node.</summary>
/// <param name="NodeName">Node name (or "&lt;op_type&gt;#index" when the node has none).</param>
/// <param name="OpType">ONNX operator type.</param>
/// <param name="Status">What happened.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record NodeDecision(string NodeName, string OpType, NodeStatus Status, string Reason);
