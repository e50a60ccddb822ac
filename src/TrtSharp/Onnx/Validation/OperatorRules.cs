using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Validation;

/// <summary>A node's operator against its domain and imported opset, and its attributes against the operator's types.</summary>
internal static class OperatorRules
{
    /// <summary>Reports each problem of <paramref name="node"/> through <paramref name="report"/>.</summary>
    public static void Check(NodeProto node, string nodeName, GraphChecker.Context context, Action<(ModelProblemKind Kind, string Message)> report)
    {
        if (string.IsNullOrEmpty(node.OpType) || context.Functions.Contains((node.Domain, node.OpType)))
        {
            // A model-local function is defined by the model itself.
            return;
        }
        string domain = OperatorCatalog.Canonical(node.Domain);
        if (!context.Opsets.TryGetValue(domain, out long version))
        {
            report((ModelProblemKind.MissingOpsetImport, $"operator '{node.OpType}' is in domain '{domain}', which the model does not import (opset_import)"));
            return;
        }
        if (!OperatorCatalog.KnownDomains.Contains(domain))
        {
            // Custom and vendor domains (com.microsoft …): the runtime that implements them decides.
            return;
        }
        OperatorSchema? schema = OperatorCatalog.Find(domain, node.OpType);
        if (schema is null)
        {
            var near = OperatorCatalog.FindIgnoringCase(domain, node.OpType);
            report((ModelProblemKind.UnknownOperator, $"'{node.OpType}' is not an operator of {domain}" + (near is null ? string.Empty : $" (did you mean '{near.Name}'?)")));
            return;
        }
        if (schema.Since > version)
        {
            report((ModelProblemKind.OperatorTooNew, $"'{schema.Name}' exists from {domain} opset {schema.Since}, but the model imports opset {version}"));
        }
        else if (schema.DeprecatedAt is int removed && version >= removed)
        {
            report((ModelProblemKind.DeprecatedOperator, $"'{schema.Name}' was removed from {domain} at opset {removed}, and the model imports opset {version}"));
        }
        foreach (var attribute in node.Attribute)
        {
            // Old writers left the type unset; what cannot be known is not reported.
            if (attribute.Type == AttributeProto.Types.AttributeType.Undefined || !schema.Attributes.TryGetValue(attribute.Name, out var allowed))
            {
                continue;
            }
            if (!allowed.Contains(attribute.Type))
            {
                report((ModelProblemKind.AttributeType, $"attribute '{attribute.Name}' is {TypeName(attribute.Type)} but {schema.Name} defines it as {string.Join(" or ", allowed.Select(TypeName))}"));
            }
        }
    }

    private static string TypeName(AttributeProto.Types.AttributeType type) => type.ToString().ToUpperInvariant();
}
