namespace TrtSharp.Tensors;

/// <summary>
/// A value an ONNX graph takes or gives that need not be a tensor: a tensor, a sequence of values,
/// or an optional value (present or absent). Maps are not represented.
/// </summary>
public abstract record ModelValue
{
    private protected ModelValue()
    {
    }

    /// <summary>A short description, e.g. "sequence of 3 (float[2, 3], …)" or "optional (none)".</summary>
    public abstract string Describe();
}

/// <summary>A dense tensor.</summary>
/// <param name="Tensor">The tensor.</param>
public sealed record TensorValue(HostTensor Tensor) : ModelValue
{
    /// <inheritdoc/>
    public override string Describe() => Tensor.ToString() ?? "tensor";
}

/// <summary>An ordered sequence of values (ONNX <c>seq(...)</c>).</summary>
/// <param name="Elements">The elements, possibly none.</param>
public sealed record SequenceValue(IReadOnlyList<ModelValue> Elements) : ModelValue
{
    /// <inheritdoc/>
    public override string Describe() => Elements.Count == 0 ? "empty sequence" : $"sequence of {Elements.Count} ({Elements[0].Describe()}{(Elements.Count > 1 ? ", …" : "")})";
}

/// <summary>An optional value (ONNX <c>optional(...)</c>); <see cref="Element"/> is null when absent.</summary>
/// <param name="Element">The value, or null for "none".</param>
public sealed record OptionalValue(ModelValue? Element) : ModelValue
{
    /// <inheritdoc/>
    public override string Describe() => Element is null ? "optional (none)" : $"optional ({Element.Describe()})";
}
