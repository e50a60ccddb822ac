namespace TrtSharp.Tensors;

/// <summary>
/// Name, element type and shape of a model or engine input/output. Dynamic dimensions are -1;
/// <see cref="SymbolicDimensions"/> keeps their names (e.g. "batch") where the model has them.
/// </summary>
public sealed record TensorDescriptor(string Name, TensorElementType ElementType, long[] Shape, string?[] SymbolicDimensions)
{
    /// <summary>Creates a descriptor without symbolic names.</summary>
    public TensorDescriptor(string name, TensorElementType elementType, long[] shape)
        : this(name, elementType, shape, new string?[shape.Length]) { }

    /// <summary>True when any dimension is dynamic.</summary>
    public bool IsDynamic => Array.Exists(Shape, d => d < 0);

    /// <inheritdoc/>
    public override string ToString()
    {
        var dims = new string[Shape.Length];
        for (int i = 0; i < Shape.Length; i++)
        {
            dims[i] = Shape[i] >= 0 ? Shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : SymbolicDimensions[i] ?? "?";
        }
        return $"{Name}: {TensorElementTypeInfo.Name(ElementType)}[{string.Join(", ", dims)}]";
    }
}
