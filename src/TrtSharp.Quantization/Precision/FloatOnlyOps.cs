using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Operators both placements keep in float on purpose, with the reason the report gives: recurrent layers and
/// control flow. Neither TensorRT nor ONNX Runtime's CPU provider has an INT8 kernel that a Q/DQ pair around them
/// would turn into, and their subgraphs/time steps would carry rounding error forward.
/// </summary>
internal static class FloatOnlyOps
{
    /// <summary>Why <paramref name="node"/> stays float, or null when it is not one of these operators.</summary>
    public static string? Reason(NodeProto node)
    {
        if (!GraphIndex.IsDefaultDomain(node))
        {
            return null;
        }

        return node.OpType switch
        {
            "LSTM" or "GRU" or "RNN" =>
                $"recurrent layer ({node.OpType}) kept float: no INT8 kernel fuses Q/DQ around it, and quantizing its state would accumulate rounding error over the time steps",
            "If" or "Loop" or "Scan" =>
                $"control flow ({node.OpType}) kept float: Q/DQ is not placed inside subgraphs, and its outputs feed no INT8 kernel directly",
            _ => null,
        };
    }

    /// <summary>Marks the node skipped with its reason and adds one warning so the user sees it without reading every decision.</summary>
    public static bool Keep(NodeProto node, string name, QdqContext context)
    {
        if (Reason(node) is not string reason)
        {
            return false;
        }

        context.Decide(node, name, NodeStatus.Skipped, reason);
        context.Report._warnings.Add($"node '{name}': {reason}");
        return true;
    }
}
