namespace TrtSharp.Errors;

/// <summary>One ONNX parser error.</summary>
/// <param name="Code">The parser's error code name, e.g. "UnsupportedNode".</param>
/// <param name="NodeIndex">Index of the failing node, or -1.</param>
/// <param name="NodeName">Name of the failing node (may be empty).</param>
/// <param name="NodeOperator">Operator of the failing node (may be empty).</param>
/// <param name="Description">What went wrong.</param>
public sealed record TensorRtParserError(string Code, int NodeIndex, string NodeName, string NodeOperator, string Description)
{
    /// <summary>"node 3 'conv1' (Conv): UnsupportedNode: description".</summary>
    public override string ToString() =>
        NodeIndex >= 0 ? $"node {NodeIndex} '{NodeName}' ({NodeOperator}): {Code}: {Description}" : $"{Code}: {Description}";
}
