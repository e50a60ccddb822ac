using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Normalization;

/// <summary>
/// Fills in the ranks ONNX Runtime's static inference leaves open (e.g. behind a Reshape whose target is computed),
/// from each operator's rank rule, so every tensor of a usual vision or speech model has a known rank. Dimensions
/// not known stay -1; element types follow the first input where the operator keeps it.
/// </summary>
internal static class RankPropagation
{
    // Operators whose output has the rank (and, except Cast, the element type) of their first input.
    private static readonly HashSet<string> SameRank =
    [
        "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Abs", "Neg", "Sqrt", "Cast", "Identity", "Dropout", "Softmax", "LogSoftmax",
        "Hardmax", "Clip", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "HardSwish", "Erf", "Sin", "Cos", "Floor", "Ceil", "Round",
        "Reciprocal", "Sign", "Not", "BatchNormalization", "InstanceNormalization", "LayerNormalization", "LRN", "Softplus",
        "Softsign", "Mish", "Gelu", "CumSum", "Trilu", "Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "Resize",
        "Upsample", "Pad", "Transpose", "Slice", "Tile", "DepthToSpace", "SpaceToDepth", "GlobalAveragePool", "GlobalMaxPool",
        "GlobalLpPool", "Concat", "Split", "TopK", "ScatterElements", "ScatterND", "Celu", "ThresholdedRelu", "Shrink",
        "LpNormalization", "MeanVarianceNormalization", "ReverseSequence", "GridSample", "RoiAlign",
    ];

    // Operators that broadcast their inputs: the output has the largest input rank.
    private static readonly HashSet<string> Broadcasting =
    [
        "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Where", "Equal", "Greater", "Less", "GreaterOrEqual",
        "LessOrEqual", "And", "Or", "Xor", "PRelu", "Mod", "BitShift",
    ];

    /// <summary>Adds a rank for every main-graph tensor <paramref name="shapes"/> lacks or holds with rank 0 when a rule gives more.</summary>
    public static void Run(OnnxModel owner, ModelProto model, Dictionary<string, TensorShapeInfo> shapes)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            shapes[t.Name] = new TensorShapeInfo((TensorElementType)t.DataType, [.. t.Dims]);
        }
        int? Rank(string name) => name.Length > 0 && shapes.TryGetValue(name, out var s) && (s.Rank > 0 || initializers.ContainsKey(name)) ? s.Rank : null;
        long[]? Ints(string name) => initializers.TryGetValue(name, out var t) && t.DataType == (int)TensorElementType.Int64
            ? ((HostTensor<long>)owner.ReadTensor(t)).Data : null;

        foreach (var node in new OnnxGraph(graph).TopologicalOrder().Select(n => n.Proto))
        {
            if (!NodeAttributes.IsDefaultDomain(node) || node.Output.Count == 0 || node.Input.Count == 0)
            {
                continue;
            }
            var ranks = node.Input.Select(Rank).ToList();
            int? r0 = ranks[0];
            long[]? axes = NodeAttributes.Ints(node, "axes") ?? (node.Input.Count > 1 ? Ints(node.Input[1]) : null);
            bool keepDims = (NodeAttributes.Int(node, "keepdims") ?? 1) != 0;
            int? rank = node.OpType switch
            {
                _ when SameRank.Contains(node.OpType) => r0,
                _ when Broadcasting.Contains(node.OpType) => ranks.Where(r => r is not null).DefaultIfEmpty().Max() is int m && ranks.All(r => r is not null) ? m : null,
                "MatMul" when ranks.Count == 2 && ranks[1] is int rb && r0 is int ra => ra == 1 ? rb - 1 : rb == 1 ? ra - 1 : Math.Max(ra, rb),
                "Gemm" or "Flatten" or "NonZero" => 2,
                "Shape" or "Range" => 1,
                "Size" => 0,
                "Reshape" or "ConstantOfShape" or "Expand" when node.Input.Count > 0 && shapes.TryGetValue(node.Input[^1], out var target) && target.Rank == 1 && target.Dimensions[0] >= 0
                    => node.OpType == "Expand" && r0 is int re ? Math.Max(re, (int)target.Dimensions[0]) : node.OpType == "Expand" ? null : (int)target.Dimensions[0],
                "Gather" when ranks.Count == 2 && r0 is int rd && ranks[1] is int ri => rd - 1 + ri,
                "Unsqueeze" when r0 is int ru && axes is not null => ru + axes.Length,
                "Squeeze" when r0 is int rs && axes is not null => rs - axes.Length,
                "ReduceSum" or "ReduceMean" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceL1" or "ReduceL2" or "ReduceLogSum"
                    or "ReduceLogSumExp" or "ReduceSumSquare" when r0 is int rr => keepDims ? rr : axes is null ? 0 : rr - axes.Length,
                "ArgMax" or "ArgMin" when r0 is int ra2 => keepDims ? ra2 : ra2 - 1,
                _ => null,
            };
            if (rank is not int known || known < 0)
            {
                continue;
            }
            long[] dims = ShapeVectorLength(owner, node, shapes, initializers, known) ?? Enumerable.Repeat(-1L, known).ToArray();
            var type = node.OpType switch
            {
                "Cast" => (TensorElementType)(NodeAttributes.Int(node, "to") ?? 1),
                "Shape" or "Size" or "NonZero" or "ArgMax" or "ArgMin" => TensorElementType.Int64,
                "Equal" or "Greater" or "Less" or "GreaterOrEqual" or "LessOrEqual" or "And" or "Or" or "Xor" or "Not" => TensorElementType.Bool,
                "Where" when shapes.TryGetValue(node.Input[1], out var w) => w.ElementType,
                _ when shapes.TryGetValue(node.Input[0], out var s) => s.ElementType,
                _ => TensorElementType.Float,
            };
            // Split and TopK give several outputs of the same rank (TopK's indices are int64, handled by ORT's own inference).
            foreach (string output in node.Output.Where(o => o.Length > 0))
            {
                if (!shapes.TryGetValue(output, out var current) || (current.Rank == 0 && known > 0))
                {
                    shapes[output] = new TensorShapeInfo(current?.ElementType ?? type, dims);
                }
                else if (current.Rank == known && node.Output.Count == 1)
                {
                    // Same rank: keep every dimension either side knows.
                    long[] merged = [.. current.Dimensions.Zip(dims, (a, b) => a >= 0 ? a : b)];
                    if (!merged.SequenceEqual(current.Dimensions))
                    {
                        shapes[output] = current with { Dimensions = merged };
                    }
                }
            }
        }
    }

    // The length of the 1-D shape vectors exporters compute (Shape, Cast/Identity of one, Slice with constant bounds,
    // Concat of several), so the Reshape they feed gets its rank; null when not such a vector or not known.
    private static long[]? ShapeVectorLength(OnnxModel owner, NodeProto node, Dictionary<string, TensorShapeInfo> shapes,
        Dictionary<string, TensorProto> initializers, int rank)
    {
        if (rank != 1)
        {
            return null;
        }
        long Length(string name) => shapes.TryGetValue(name, out var s) && s.Rank == 1 ? s.Dimensions[0] : -1;
        long[]? Ints(string name) => name.Length > 0 && initializers.TryGetValue(name, out var t) && t.DataType == (int)TensorElementType.Int64
            ? ((HostTensor<long>)owner.ReadTensor(t)).Data : null;
        switch (node.OpType)
        {
            case "Shape" when shapes.TryGetValue(node.Input[0], out var x) && (x.Rank > 0 || initializers.ContainsKey(node.Input[0])):
            {
                long r = x.Rank;
                long start = NodeAttributes.Int(node, "start") ?? 0, end = NodeAttributes.Int(node, "end") ?? r;
                start = Math.Clamp(start < 0 ? start + r : start, 0, r);
                end = Math.Clamp(end < 0 ? end + r : end, 0, r);
                return [Math.Max(0, end - start)];
            }
            case "Cast" or "Identity" or "Neg" or "Abs" when Length(node.Input[0]) >= 0:
                return [Length(node.Input[0])];
            case "Concat" when node.Input.All(i => Length(i) >= 0):
                return [node.Input.Sum(Length)];
            case "Slice" when Length(node.Input[0]) is var n and >= 0 && node.Input.Count >= 3
                && Ints(node.Input[1]) is [var start] && Ints(node.Input[2]) is [var end]
                && (node.Input.Count < 4 || Ints(node.Input[3]) is [0 or -1])
                && (node.Input.Count < 5 || node.Input[4].Length == 0 || Ints(node.Input[4]) is [1]):
            {
                start = Math.Clamp(start < 0 ? start + n : start, 0, n);
                end = Math.Clamp(end < 0 ? end + n : end, 0, n);
                return [Math.Max(0, end - start)];
            }
            default:
                return null;
        }
    }
}
