namespace TrtSharp.Errors;

/// <summary>
/// A model whose operator set cannot be raised to the one a later step needs, because one of its nodes uses a
/// behaviour the newer opset cannot express. Raised while the model is loaded, before any long work.
/// </summary>
public sealed class OpsetConversionException : TrtSharpException
{
    /// <summary>Creates the exception for node <paramref name="nodeName"/> (an <paramref name="opType"/>).</summary>
    public OpsetConversionException(string? filePath, string nodeName, string opType, long fromOpset, long toOpset, string reason)
        : base($"{(filePath is null ? "" : filePath + ": ")}node '{nodeName}' ({opType}) cannot be converted from opset {fromOpset} to {toOpset}: {reason}")
    {
        FilePath = filePath;
        NodeName = nodeName;
        OpType = opType;
        FromOpset = fromOpset;
        ToOpset = toOpset;
        Reason = reason;
    }

    /// <summary>The model file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The node that cannot be converted (its name, or "OpType#index" when it has none).</summary>
    public string NodeName { get; }

    /// <summary>The node's operator.</summary>
    public string OpType { get; }

    /// <summary>The model's default-domain opset.</summary>
    public long FromOpset { get; }

    /// <summary>The opset asked for.</summary>
    public long ToOpset { get; }

    /// <summary>Why, without the node and file.</summary>
    public string Reason { get; }
}
