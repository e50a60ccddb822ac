using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Validation;

/// <summary>What the catalog knows of one operator: its versions, when it was removed, its attributes' types.</summary>
/// <param name="Domain">"ai.onnx" for the default domain.</param>
/// <param name="Name">The operator's exact (case-sensitive) name.</param>
/// <param name="Versions">The opset versions that introduced or changed it, ascending.</param>
/// <param name="DeprecatedAt">The opset that removed it, or null.</param>
/// <param name="Attributes">Attribute name → the types it may have (several where the type changed between versions).</param>
internal sealed record OperatorSchema(
    string Domain,
    string Name,
    IReadOnlyList<int> Versions,
    int? DeprecatedAt,
    IReadOnlyDictionary<string, IReadOnlyList<AttributeProto.Types.AttributeType>> Attributes)
{
    /// <summary>The first opset that has the operator.</summary>
    public int Since => Versions[0];
}
