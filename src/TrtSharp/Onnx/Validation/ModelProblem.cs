namespace TrtSharp.Onnx.Validation;

/// <summary>One thing wrong with a model, located as precisely as the rule allows.</summary>
/// <param name="Kind">Which rule is broken.</param>
/// <param name="Graph">The graph: "main", or the path of a subgraph such as "main/If_0.then_branch".</param>
/// <param name="Node">The node's display name (its name, or "OpType#index"), or null for graph-level problems.</param>
/// <param name="Message">What is wrong, in one line, naming the values involved.</param>
public sealed record ModelProblem(ModelProblemKind Kind, string Graph, string? Node, string Message)
{
    /// <summary>The kind as a lower-case, hyphenated code, e.g. "unknown-operator" (for JSON and filters).</summary>
    public string Code => string.Concat(Kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <inheritdoc/>
    public override string ToString() => Node is null ? $"{Graph}: {Message} [{Code}]" : $"{Graph}: node '{Node}': {Message} [{Code}]";
}
