namespace TrtSharp.Tensors;

/// <summary>Element types, numbered exactly as ONNX's <c>TensorProto.DataType</c>.</summary>
public enum TensorElementType
{
    /// <summary>Not set.</summary>
    Undefined = 0,
    /// <summary>32-bit float (<see cref="float"/>).</summary>
    Float = 1,
    /// <summary><see cref="byte"/>.</summary>
    UInt8 = 2,
    /// <summary><see cref="sbyte"/>.</summary>
    Int8 = 3,
    /// <summary><see cref="ushort"/>.</summary>
    UInt16 = 4,
    /// <summary><see cref="short"/>.</summary>
    Int16 = 5,
    /// <summary><see cref="int"/>.</summary>
    Int32 = 6,
    /// <summary><see cref="long"/>.</summary>
    Int64 = 7,
    /// <summary>UTF-8 strings (<see cref="string"/>).</summary>
    String = 8,
    /// <summary><see cref="bool"/>, one byte each.</summary>
    Bool = 9,
    /// <summary>IEEE half (<see cref="Half"/>).</summary>
    Float16 = 10,
    /// <summary><see cref="double"/>.</summary>
    Double = 11,
    /// <summary><see cref="uint"/>.</summary>
    UInt32 = 12,
    /// <summary><see cref="ulong"/>.</summary>
    UInt64 = 13,
    /// <summary>Two floats (real, imaginary).</summary>
    Complex64 = 14,
    /// <summary><see cref="System.Numerics.Complex"/>.</summary>
    Complex128 = 15,
    /// <summary>Brain float (<see cref="BFloat16"/>).</summary>
    BFloat16 = 16,
    /// <summary>FP8 E4M3, finite only; raw byte.</summary>
    Float8E4M3FN = 17,
    /// <summary>FP8 E4M3, no negative zero; raw byte.</summary>
    Float8E4M3FNUZ = 18,
    /// <summary>FP8 E5M2; raw byte.</summary>
    Float8E5M2 = 19,
    /// <summary>FP8 E5M2, no negative zero; raw byte.</summary>
    Float8E5M2FNUZ = 20,
    /// <summary>4-bit unsigned, two per byte (low nibble first).</summary>
    UInt4 = 21,
    /// <summary>4-bit signed, two per byte (low nibble first).</summary>
    Int4 = 22,
    /// <summary>FP4 E2M1, two per byte (low nibble first).</summary>
    Float4E2M1 = 23,
}
