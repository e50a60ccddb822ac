namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>Why AutoCast kept a node's computation in float32.</summary>
public enum KeepRule
{
    /// <summary>The operator type is in the keep list.</summary>
    OpType,

    /// <summary>The node's name matched a keep pattern.</summary>
    NodeName,

    /// <summary>The node holds a subgraph (If/Loop/Scan), or produces a tensor a subgraph reads.</summary>
    Subgraph,

    /// <summary>ONNX does not allow the reduced type for this operator at the model's opset.</summary>
    Specification,

    /// <summary>The node's output type is set by an attribute (ConstantOfShape, EyeLike, Random*).</summary>
    AttributeTyped,

    /// <summary>A tensor the node produces or reads exceeds the reduced type's range on the data.</summary>
    Overflow,

    /// <summary>Too many of a tensor's values fall below the reduced type's smallest normal value (or round to zero, for weights).</summary>
    Underflow,
}

/// <summary>A node kept in float32, the rule that kept it and the reason in words.</summary>
/// <param name="Node">Node name (or its first output where it has none).</param>
/// <param name="OpType">Operator.</param>
/// <param name="Rule">The rule.</param>
/// <param name="Reason">The reason, naming the tensor and the numbers where data decided.</param>
public sealed record KeptNode(string Node, string OpType, KeepRule Rule, string Reason);
