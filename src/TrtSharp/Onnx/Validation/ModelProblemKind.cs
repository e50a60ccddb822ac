namespace TrtSharp.Onnx.Validation;

/// <summary>What is wrong with a model, one value per kind of rule a graph breaks.</summary>
public enum ModelProblemKind
{
    /// <summary>The operator does not exist in its domain (e.g. "conv" for "Conv").</summary>
    UnknownOperator,
    /// <summary>The node's domain has no opset import in the model.</summary>
    MissingOpsetImport,
    /// <summary>The operator appears only in a later opset than the model imports.</summary>
    OperatorTooNew,
    /// <summary>The operator was removed from its domain at or before the imported opset.</summary>
    DeprecatedOperator,
    /// <summary>An attribute's declared type is not the one the operator defines.</summary>
    AttributeType,
    /// <summary>A node reads its own output.</summary>
    SelfLoop,
    /// <summary>Nodes that depend on each other in a circle.</summary>
    Cycle,
    /// <summary>A node comes before the node producing one of its inputs (ONNX requires topological order).</summary>
    NotTopological,
    /// <summary>A node input that no node produces and that is not a graph input, initializer or outer-scope value.</summary>
    UndefinedInput,
    /// <summary>A graph output that nothing defines.</summary>
    UndefinedOutput,
    /// <summary>A value defined twice: two nodes produce it, or a node overwrites a graph input or initializer.</summary>
    DuplicateOutput,
    /// <summary>Two graph inputs or two initializers share a name.</summary>
    DuplicateName,
    /// <summary>A node without an operator type.</summary>
    MissingOperator,
    /// <summary>A tensor's data does not match its type and shape (raw_data length, typed data count, external data).</summary>
    TensorData,
    /// <summary>A runtime asked to load the model refused it (its own message), e.g. an operator version it does not implement.</summary>
    RuntimeRefused,
}
