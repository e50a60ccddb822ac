namespace TrtSharp.Onnx;

/// <summary>The declared type of a node attribute; the numbers are ONNX's <c>AttributeProto.AttributeType</c> codes.</summary>
public enum OnnxAttributeType
{
    /// <summary>No type given (an invalid attribute).</summary>
    Undefined = 0,
    /// <summary>One float.</summary>
    Float = 1,
    /// <summary>One 64-bit integer.</summary>
    Int = 2,
    /// <summary>One string (UTF-8 bytes in the file).</summary>
    String = 3,
    /// <summary>One tensor.</summary>
    Tensor = 4,
    /// <summary>One subgraph (If, Loop, Scan bodies).</summary>
    Graph = 5,
    /// <summary>A list of floats.</summary>
    Floats = 6,
    /// <summary>A list of 64-bit integers.</summary>
    Ints = 7,
    /// <summary>A list of strings.</summary>
    Strings = 8,
    /// <summary>A list of tensors.</summary>
    Tensors = 9,
    /// <summary>A list of subgraphs.</summary>
    Graphs = 10,
    /// <summary>One sparse tensor.</summary>
    SparseTensor = 11,
    /// <summary>A list of sparse tensors.</summary>
    SparseTensors = 12,
    /// <summary>One type description.</summary>
    TypeProto = 13,
    /// <summary>A list of type descriptions.</summary>
    TypeProtos = 14,
}
