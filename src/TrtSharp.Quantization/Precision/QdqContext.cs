using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>What a placement needs besides the graph editor: options, calibrated ranges, exclusions and the report.</summary>
internal sealed class QdqContext
{
    private readonly IReadOnlyDictionary<string, TensorRange> _ranges;
    private readonly NodeFilter _exclusions;
    private readonly HashSet<string> _zeroWarned = new(StringComparer.Ordinal);
    private readonly OnnxGraphIndex _index;

    public QdqContext(QdqOptions options, IReadOnlyDictionary<string, TensorRange> ranges, OnnxGraphIndex index, QdqReport report)
    {
        Options = options;
        _ranges = ranges;
        _index = index;
        Report = report;
        _exclusions = new NodeFilter(options.ExcludeNodes, options.ExcludeOpTypes, "excluded");
    }

    public QdqOptions Options { get; }

    public QdqReport Report { get; }

    /// <summary>A node's name for reports: its own, or "OpType#position" when it has none.</summary>
    public static string DisplayName(NodeProto node, OnnxGraphIndex index) =>
        node.Name.Length > 0 ? node.Name : $"{node.OpType}#{index.Graph.Node.IndexOf(node)}";

    /// <summary>The exclusion reason for the node, or null.</summary>
    public string? Excluded(NodeProto node, string displayName) => _exclusions.Match(node.Name, node.OpType);

    /// <summary>Whether an exclusion pattern matches the node, without marking the pattern as used.</summary>
    public bool IsExcludedQuietly(NodeProto node) => _exclusions.Matches(node.Name, node.OpType);

    public void Decide(NodeProto node, string displayName, NodeStatus status, string reason) =>
        Report._nodes.Add(new NodeDecision(displayName, node.OpType, status, reason));

    /// <summary>
    /// Keeps the node float (decided, with a warning) when its first input is an activation in the log domain
    /// (<see cref="LogDomainGuard"/>); true when it did.
    /// </summary>
    public bool SkippedForLogDomain(NodeProto node, string displayName)
    {
        if (LogDomainReason(node, node.Input[0]) is not string logDomain)
        {
            return false;
        }
        Decide(node, displayName, NodeStatus.Skipped, logDomain);
        Report._warnings.Add($"node '{displayName}' {logDomain}");
        return true;
    }

    /// <summary>Why <see cref="LogDomainGuard"/> would keep <paramref name="node"/> float when it reads <paramref name="input"/>, or null; decides nothing.</summary>
    public string? LogDomainReason(NodeProto node, string input) =>
        LogDomainGuard.Reason(node, input, RangeOf(input).Amax, _index, Options.Histograms);

    /// <summary>Whether calibration gave <paramref name="tensor"/> a range (a tensor computed from constants only has none).</summary>
    public bool HasRange(string tensor) => _ranges.ContainsKey(tensor);

    /// <summary>The calibrated range of activation <paramref name="tensor"/>; a missing or non-finite one is an error.</summary>
    public TensorRange RangeOf(string tensor)
    {
        if (!_ranges.TryGetValue(tensor, out var range))
        {
            throw new QuantizationException(tensor,
                $"Q/DQ is needed here but the calibration table has no range for it ({_ranges.Count} tensors calibrated); calibrate this tensor or exclude its consumer");
        }

        if (!float.IsFinite(range.Min) || !float.IsFinite(range.Max))
        {
            throw new QuantizationException(tensor, $"calibrated range [{range.Min}, {range.Max}] is not finite");
        }

        if (range.Min > range.Max)
        {
            throw new QuantizationException(tensor, $"calibrated range has min {range.Min} above max {range.Max}");
        }

        return range;
    }

    public void WarnZeroRange(string tensor)
    {
        if (_zeroWarned.Add(tensor))
        {
            Report._warnings.Add($"tensor '{tensor}' has amax 0 (all zeros in calibration); it gets the fallback scale 1/127 so zero stays exact and nothing divides by 0");
        }
    }

    /// <summary>Why the node cannot be quantized because one of <paramref name="inputs"/> is not float32, or null.</summary>
    public string? NonFloatReason(NodeProto node, IEnumerable<int> inputs)
    {
        foreach (var i in inputs)
        {
            if (i >= node.Input.Count || node.Input[i].Length == 0)
            {
                return $"input {i} is missing";
            }

            var name = node.Input[i];
            var type = _index.Constant(name)?.DataType ?? _index.ElementType(name);
            if (type is int t && t != (int)TensorElementType.Float)
            {
                return $"input '{name}' has element type {(Onnx.Protobuf.TensorProto.Types.DataType)t}; only float32 tensors are quantized";
            }
        }

        return null;
    }

    /// <summary>Adds one warning per exclusion pattern that matched no node.</summary>
    public void ReportUnmatchedPatterns() => Report._warnings.AddRange(_exclusions.UnmatchedWarnings());
}
