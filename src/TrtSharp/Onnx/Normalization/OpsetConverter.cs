using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// Raises a model's default-domain opset (6 or later) to a target of at most 13, rewriting every operator whose
/// inputs, attributes or meaning changed in between (ONNX Changelog.md) into its new form, and refusing by node name
/// only what the newer opset cannot express. Subgraphs are converted too.
/// </summary>
internal sealed class OpsetConverter
{
    /// <summary>13: the first opset with per-channel QuantizeLinear/DequantizeLinear.</summary>
    public const long DefaultTargetOpset = 13;

    /// <summary>The newest target whose changes this converter knows (Reduce* axes move to inputs at 18).</summary>
    public const long NewestTarget = 13;

    /// <summary>Before opset 6 many operators carried in-place <c>consumed_inputs</c> semantics.</summary>
    public const long OldestSource = 6;

    /// <summary>IR version released with opset 13 (ONNX 1.8).</summary>
    private const long TargetIrVersion = 7;

    // Operators whose pre-opset-7 'broadcast'/'axis' attributes became numpy-style broadcasting at 7.
    private static readonly HashSet<string> LegacyBroadcastOps =
        ["Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less", "PRelu", "Gemm"];

    private readonly ModelProto _model;
    private readonly OnnxModel _owner;
    private readonly long _source;
    private readonly long _target;
    private readonly NormalizationReport _report;
    private readonly IReadOnlyDictionary<string, TensorShapeInfo> _shapes;
    private readonly ModelNames _names;
    private readonly HashSet<string> _read;
    private GraphProto _graph = null!;

    private OpsetConverter(OnnxModel owner, ModelProto model, long source, long target, NormalizationReport report, IReadOnlyDictionary<string, TensorShapeInfo> shapes)
    {
        _owner = owner;
        _model = model;
        _source = source;
        _target = target;
        _report = report;
        _shapes = shapes;
        _names = new ModelNames(model);
        // Every name some node or graph output reads, in any graph: decides whether an optional output is in use.
        _read = new HashSet<string>(NodeAttributes.GraphAndSubgraphs(model.Graph)
            .SelectMany(g => g.Node.SelectMany(NodeAttributes.ReferencedNames).Concat(g.Output.Select(o => o.Name))), StringComparer.Ordinal);
    }

    /// <summary>The default-domain opset import of <paramref name="model"/>.</summary>
    /// <exception cref="ModelFormatException">The model imports no default-domain opset.</exception>
    public static OperatorSetIdProto DefaultImport(ModelProto model, string? filePath) =>
        model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx")
        ?? throw new ModelFormatException(filePath, "the model imports no default-domain (ai.onnx) opset");

    /// <summary>
    /// Converts <paramref name="model"/> in place to <paramref name="target"/> when it is older; <paramref name="shapes"/>
    /// (may be empty) supplies element types and ranks the rewrites need. Returns the original opset.
    /// </summary>
    /// <exception cref="OpsetConversionException">A node cannot be expressed at the target opset (the message names it).</exception>
    /// <exception cref="ModelFormatException">The model is older than opset 6 or imports no default-domain opset.</exception>
    public static long Convert(OnnxModel owner, ModelProto model, long target, NormalizationReport report, IReadOnlyDictionary<string, TensorShapeInfo> shapes)
    {
        if (target > NewestTarget)
        {
            throw new ArgumentOutOfRangeException(nameof(target), $"opset conversion reaches at most opset {NewestTarget}");
        }
        var import = DefaultImport(model, owner.FilePath);
        long source = import.Version;
        if (source >= target)
        {
            return source;
        }
        if (source < OldestSource)
        {
            throw new ModelFormatException(owner.FilePath, $"default-domain opset {source} predates opset {OldestSource} (operators with in-place 'consumed_inputs'); re-export the model at opset {target} or later");
        }
        var converter = new OpsetConverter(owner, model, source, target, report, shapes);
        foreach (var graph in NodeAttributes.GraphAndSubgraphs(model.Graph).ToList())
        {
            converter.ConvertGraph(graph);
        }
        import.Version = target;
        model.IrVersion = Math.Max(model.IrVersion, TargetIrVersion);
        return source;
    }

    private bool Crosses(long changedAt) => _source < changedAt && _target >= changedAt;

    private void ConvertGraph(GraphProto graph)
    {
        _graph = graph;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (!NodeAttributes.IsDefaultDomain(node))
            {
                continue;
            }
            i = ConvertNode(node, i);
        }
    }

    // Rewrites one node; returns the index of the last node it now occupies (rewrites may insert nodes around it).
    private int ConvertNode(NodeProto node, int index)
    {
        if (_source < 7)
        {
            index += LegacyBroadcast(node, index);
        }
        switch (node.OpType)
        {
            case "Clip" when Crosses(11):
                ClipBoundsToInputs(node);
                break;
            case "Squeeze" or "Unsqueeze" or "ReduceSum" when Crosses(13):
                AttributeToInput(node, "axes", 1);
                break;
            case "Split" when Crosses(13):
                AttributeToInput(node, "split", 1);
                break;
            case "Slice" when Crosses(10):
                SliceAttributesToInputs(node);
                break;
            case "TopK" when Crosses(10):
                TopKToInput(node);
                break;
            case "Pad" when Crosses(11):
                PadAttributesToInputs(node);
                break;
            case "Scatter" when Crosses(11):
                Log(node, "deprecated Scatter -> ScatterElements (same semantics)");
                node.OpType = "ScatterElements";
                break;
            case "Upsample" when _target >= 10:
                UpsampleToResize(node);
                break;
            case "Resize" when Crosses(11):
                Resize10ToResize(node);
                break;
            case "BatchNormalization" when _source < 9:
                BatchNormalizationLegacy(node);
                break;
            case "Dropout" when Crosses(12) || _source < 7:
                DropoutToCurrent(node);
                break;
            case "Softmax" or "LogSoftmax" or "Hardmax" when Crosses(13):
                return SoftmaxAxis(node, index);
            case "Scan" when Crosses(9):
                Refuse(node, "Scan-8 has a batch axis that Scan-9 removed; its body cannot be rewritten safely");
                break;
            case "RNN" or "GRU" or "LSTM" when Crosses(7):
                Refuse(node, "recurrent operators changed their outputs at opset 7");
                break;
        }
        return index;
    }

    private void Log(NodeProto node, string what) => _report._conversions.Add($"{node.OpType} '{Display(node)}': {what}");

    private string Display(NodeProto node) => node.Name.Length > 0 ? node.Name : $"{node.OpType}#{_graph.Node.IndexOf(node)}";

    private void Refuse(NodeProto node, string reason) =>
        throw new OpsetConversionException(_owner.FilePath, Display(node), node.OpType, _source, _target, reason);

    private TensorElementType ElementTypeOf(string tensor)
    {
        if (_shapes.TryGetValue(tensor, out var info))
        {
            return info.ElementType;
        }
        foreach (var graph in NodeAttributes.GraphAndSubgraphs(_model.Graph))
        {
            var vi = graph.Input.Concat(graph.ValueInfo).Concat(graph.Output).FirstOrDefault(v => v.Name == tensor);
            if (vi?.Type?.TensorType is { HasElemType: true } tt)
            {
                return (TensorElementType)tt.ElemType;
            }
            if (graph.Initializer.FirstOrDefault(t => t.Name == tensor) is { } init)
            {
                return (TensorElementType)init.DataType;
            }
        }
        // The operators concerned only accept floating-point tensors; float32 is by far the most common.
        return TensorElementType.Float;
    }

    private int? RankOf(string tensor)
    {
        if (_shapes.TryGetValue(tensor, out var info) && info.Rank > 0)
        {
            return info.Rank;
        }
        if (_graph.Initializer.FirstOrDefault(t => t.Name == tensor) is { } init)
        {
            return init.Dims.Count;
        }
        var vi = _graph.Input.Concat(_graph.ValueInfo).Concat(_graph.Output).FirstOrDefault(v => v.Name == tensor);
        // A declared shape with no dimensions is a scalar; no declared shape is an unknown rank.
        return vi?.Type?.TensorType?.Shape is { } shape ? shape.Dim.Count : null;
    }

    private string AddInitializer(TensorProto tensor, string wanted)
    {
        tensor.Name = _names.Unique(wanted);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static void SetInput(NodeProto node, int position, string name)
    {
        while (node.Input.Count <= position)
        {
            node.Input.Add("");
        }
        node.Input[position] = name;
    }

    // Trailing empty names are the same as absent inputs; dropping them keeps the node tidy.
    private static void TrimInputs(NodeProto node)
    {
        while (node.Input.Count > 0 && node.Input[^1].Length == 0)
        {
            node.Input.RemoveAt(node.Input.Count - 1);
        }
    }

    // Returns the number of nodes inserted before the node.
    private int LegacyBroadcast(NodeProto node, int index)
    {
        if (!LegacyBroadcastOps.Contains(node.OpType))
        {
            return 0;
        }
        int inserted = 0;
        if (node.OpType != "Gemm" && NodeAttributes.Int(node, "axis") is long axis && NodeAttributes.Int(node, "broadcast") == 1 && node.Input.Count == 2)
        {
            // B's dimensions line up with A's from 'axis' on; numpy-style broadcasting aligns them at the end, so B
            // gets trailing 1-dimensions to reach A's last axis.
            if (RankOf(node.Input[0]) is not int rankA || RankOf(node.Input[1]) is not int rankB)
            {
                Refuse(node, "opset-6 broadcasting along an explicit 'axis' needs the ranks of both inputs, which the model does not declare");
                return 0;
            }
            long start = axis < 0 ? axis + rankA : axis;
            long trailing = rankA - start - rankB;
            if (start < 0 || trailing < 0)
            {
                Refuse(node, $"'axis' = {axis} does not fit ranks {rankA} and {rankB}");
            }
            if (trailing > 0)
            {
                string axes = AddInitializer(ConstantTensors.Int64("", [.. Enumerable.Range(rankB, (int)trailing).Select(a => (long)a)]), node.Input[1] + "_axes");
                string aligned = _names.Unique(node.Input[1] + "_aligned");
                _graph.Node.Insert(index, new NodeProto { OpType = "Unsqueeze", Name = _names.Unique(Display(node) + "_align"), Input = { node.Input[1], axes }, Output = { aligned } });
                node.Input[1] = aligned;
                inserted = 1;
            }
            Log(node, $"legacy broadcast along axis {axis} -> trailing-aligned broadcasting");
        }
        NodeAttributes.Remove(node, "axis");
        if (NodeAttributes.Remove(node, "broadcast"))
        {
            Log(node, "legacy 'broadcast' attribute dropped (trailing-aligned broadcasting is what numpy-style broadcasting does)");
        }
        return inserted;
    }

    private void ClipBoundsToInputs(NodeProto node)
    {
        float? min = NodeAttributes.Float(node, "min");
        float? max = NodeAttributes.Float(node, "max");
        NodeAttributes.Remove(node, "min");
        NodeAttributes.Remove(node, "max");
        var type = ElementTypeOf(node.Input[0]);
        if (min is float lo)
        {
            SetInput(node, 1, AddInitializer(ConstantTensors.FloatScalar("", type, lo), node.Output[0] + "_min"));
        }
        if (max is float hi)
        {
            SetInput(node, 2, AddInitializer(ConstantTensors.FloatScalar("", type, hi), node.Output[0] + "_max"));
        }
        Log(node, "min/max attributes -> inputs");
    }

    private void AttributeToInput(NodeProto node, string attribute, int position)
    {
        if (NodeAttributes.Ints(node, attribute) is not { } values)
        {
            return;
        }
        NodeAttributes.Remove(node, attribute);
        SetInput(node, position, AddInitializer(ConstantTensors.Int64("", values), node.Output[0] + "_" + attribute));
        Log(node, $"'{attribute}' attribute -> input");
    }

    private void SliceAttributesToInputs(NodeProto node)
    {
        long[] starts = NodeAttributes.Ints(node, "starts") ?? [];
        long[] ends = NodeAttributes.Ints(node, "ends") ?? [];
        long[]? axes = NodeAttributes.Ints(node, "axes");
        foreach (string a in new[] { "starts", "ends", "axes" })
        {
            NodeAttributes.Remove(node, a);
        }
        SetInput(node, 1, AddInitializer(ConstantTensors.Int64("", starts), node.Output[0] + "_starts"));
        SetInput(node, 2, AddInitializer(ConstantTensors.Int64("", ends), node.Output[0] + "_ends"));
        if (axes is not null)
        {
            SetInput(node, 3, AddInitializer(ConstantTensors.Int64("", axes), node.Output[0] + "_axes"));
        }
        Log(node, "starts/ends/axes attributes -> inputs");
    }

    private void TopKToInput(NodeProto node)
    {
        long k = NodeAttributes.Int(node, "k") ?? Refuse<long>(node, "TopK-1 without its 'k' attribute is malformed");
        NodeAttributes.Remove(node, "k");
        SetInput(node, 1, AddInitializer(ConstantTensors.Int64("", [k]), node.Output[0] + "_k"));
        Log(node, "'k' attribute -> input");
    }

    private T Refuse<T>(NodeProto node, string reason)
    {
        Refuse(node, reason);
        return default!;
    }

    private void PadAttributesToInputs(NodeProto node)
    {
        long[] pads = NodeAttributes.Ints(node, "pads") ?? NodeAttributes.Ints(node, "paddings") ?? Refuse<long[]>(node, "Pad without 'pads' is malformed");
        float value = NodeAttributes.Float(node, "value") ?? 0f;
        NodeAttributes.Remove(node, "pads");
        NodeAttributes.Remove(node, "paddings");
        NodeAttributes.Remove(node, "value");
        SetInput(node, 1, AddInitializer(ConstantTensors.Int64("", pads), node.Output[0] + "_pads"));
        string mode = NodeAttributes.String(node, "mode") ?? "constant";
        if (mode == "constant" && value != 0f)
        {
            SetInput(node, 2, AddInitializer(ConstantTensors.FloatScalar("", ElementTypeOf(node.Input[0]), value), node.Output[0] + "_value"));
        }
        Log(node, "pads/value attributes -> inputs");
    }

    private void UpsampleToResize(NodeProto node)
    {
        string mode = NodeAttributes.String(node, "mode") ?? "nearest";
        float[]? scales = NodeAttributes.Floats(node, "scales");
        NodeAttributes.Remove(node, "scales");
        string scalesName;
        if (scales is not null)
        {
            var t = new TensorProto { DataType = (int)TensorElementType.Float };
            t.Dims.Add(scales.Length);
            t.FloatData.AddRange(scales);
            scalesName = AddInitializer(t, node.Output[0] + "_scales");
        }
        else if (node.Input.Count > 1 && node.Input[1].Length > 0)
        {
            scalesName = node.Input[1];
            scales = ConstantFloats(scalesName);
        }
        else
        {
            Refuse(node, "Upsample without scales is malformed");
            return;
        }
        Log(node, $"deprecated Upsample -> Resize ({mode}, asymmetric coordinates)");
        node.OpType = "Resize";
        SetResizeInputs(node, scalesName, mode, scales);
    }

    private void Resize10ToResize(NodeProto node)
    {
        string mode = NodeAttributes.String(node, "mode") ?? "nearest";
        string scalesName = node.Input.Count > 1 ? node.Input[1] : "";
        SetResizeInputs(node, scalesName, mode, ConstantFloats(scalesName));
        Log(node, "Resize-10 (X, scales) -> (X, roi, scales) with its asymmetric coordinates made explicit");
    }

    // Upsample and Resize-10 map output index i to input coordinate i / scale; nearest truncates when enlarging and
    // rounds up when shrinking. Resize-11 names both behaviours explicitly.
    private void SetResizeInputs(NodeProto node, string scales, string mode, float[]? scaleValues)
    {
        string x = node.Input[0];
        node.Input.Clear();
        node.Input.Add(x);
        node.Input.Add("");
        node.Input.Add(scales);
        NodeAttributes.SetString(node, "mode", mode == "bilinear" ? "linear" : mode);
        NodeAttributes.SetString(node, "coordinate_transformation_mode", "asymmetric");
        if (mode == "nearest")
        {
            bool shrinks = scaleValues is not null && scaleValues.Any(s => s < 1f);
            bool enlarges = scaleValues is null || scaleValues.Any(s => s > 1f);
            if (shrinks && enlarges)
            {
                Refuse(node, "nearest resizing that enlarges some axes and shrinks others rounds differently per axis, which Resize-11 cannot express");
            }
            NodeAttributes.SetString(node, "nearest_mode", shrinks ? "ceil" : "floor");
            if (scaleValues is null)
            {
                _report._notes.Add($"{node.OpType} '{Display(node)}': scales are computed at run time; assumed enlarging (nearest rounds down)");
            }
        }
    }

    private float[]? ConstantFloats(string name)
    {
        var init = _graph.Initializer.FirstOrDefault(t => t.Name == name) ?? _model.Graph.Initializer.FirstOrDefault(t => t.Name == name);
        if (init is null || init.DataType != (int)TensorElementType.Float)
        {
            return null;
        }
        return ((HostTensor<float>)_owner.ReadTensor(init)).Data;
    }

    private void BatchNormalizationLegacy(NodeProto node)
    {
        foreach (string name in new[] { "is_test", "spatial" })
        {
            if (NodeAttributes.Int(node, name) is long value)
            {
                if (value != 1 && (name == "spatial" || _source < 7))
                {
                    Refuse(node, $"{name} = {value} (per-activation statistics or training mode) has no equivalent in later opsets");
                }
                NodeAttributes.Remove(node, name);
                Log(node, $"'{name}' = 1 attribute dropped (the only behaviour of later opsets)");
            }
        }
        NodeAttributes.Remove(node, "consumed_inputs");
    }

    private void DropoutToCurrent(NodeProto node)
    {
        bool maskUsed = node.Output.Count > 1 && node.Output[1].Length > 0 && _read.Contains(node.Output[1]);
        if (!maskUsed)
        {
            // At inference Dropout is the identity, in every opset.
            Log(node, "inference-time Dropout -> Identity");
            node.OpType = "Identity";
            node.Attribute.Clear();
            TrimInputs(node);
            while (node.Input.Count > 1)
            {
                node.Input.RemoveAt(node.Input.Count - 1);
            }
            while (node.Output.Count > 1)
            {
                node.Output.RemoveAt(node.Output.Count - 1);
            }
            return;
        }
        if (_source < 10)
        {
            Refuse(node, "its mask output is read, and the mask changed from the input's type to bool at opset 10");
        }
        float ratio = NodeAttributes.Float(node, "ratio") ?? 0.5f;
        NodeAttributes.Remove(node, "ratio");
        NodeAttributes.Remove(node, "is_test");
        SetInput(node, 1, AddInitializer(ConstantTensors.FloatScalar("", TensorElementType.Float, ratio), node.Output[0] + "_ratio"));
        Log(node, "'ratio' attribute -> input");
    }

    // Before opset 13 these operators flattened the input to 2-D at 'axis' and normalized each row; from 13 they
    // normalize along 'axis' alone. The two agree when 'axis' is the last axis; otherwise the old behaviour is spelled
    // out as Flatten -> op(axis 1) -> Reshape back.
    private int SoftmaxAxis(NodeProto node, int index)
    {
        long axis = NodeAttributes.Int(node, "axis") ?? 1;
        string x = node.Input[0];
        int? rank = RankOf(x);
        if (axis == -1 || (rank is int r && (axis < 0 ? axis + r : axis) == r - 1))
        {
            NodeAttributes.SetInt(node, "axis", axis);
            Log(node, "axis is the last axis: same result under the opset-13 definition");
            return index;
        }
        string output = node.Output[0];
        string flat = _names.Unique(x + "_flat");
        string normalized = _names.Unique(output + "_2d");
        string shape = _names.Unique(x + "_shape");
        var flatten = new NodeProto { OpType = "Flatten", Name = _names.Unique(Display(node) + "_flatten"), Input = { x }, Output = { flat } };
        NodeAttributes.SetInt(flatten, "axis", axis);
        var shapeOf = new NodeProto { OpType = "Shape", Name = _names.Unique(Display(node) + "_shape"), Input = { x }, Output = { shape } };
        var reshape = new NodeProto { OpType = "Reshape", Name = _names.Unique(Display(node) + "_reshape"), Input = { normalized, shape }, Output = { output } };
        node.Input[0] = flat;
        node.Output[0] = normalized;
        NodeAttributes.SetInt(node, "axis", 1);
        _graph.Node.Insert(index, flatten);
        _graph.Node.Insert(index + 1, shapeOf);
        _graph.Node.Insert(index + 3, reshape);
        Log(node, $"axis {axis} is not known to be the last axis: Flatten -> {node.OpType}(axis 1) -> Reshape keeps the old meaning");
        return index + 3;
    }
}
