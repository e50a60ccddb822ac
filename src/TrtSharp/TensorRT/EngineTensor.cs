using TrtSharp.Inference;

namespace TrtSharp.TensorRT;

/// <summary>One engine input or output.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="IsInput">True for inputs.</param>
/// <param name="ElementType">Element type (ONNX numbering).</param>
/// <param name="Shape">Shape with -1 for dynamic dimensions.</param>
/// <param name="Format">Memory layout name, e.g. "Linear".</param>
/// <param name="Profiles">Per optimization profile (min, opt, max) shapes; empty for outputs and static inputs.</param>
public sealed record EngineTensor(string Name, bool IsInput, TensorElementType ElementType, long[] Shape, string Format,
    IReadOnlyList<(long[] Min, long[] Opt, long[] Max)> Profiles)
{
    /// <summary>The descriptor shared with other backends.</summary>
    public TensorDescriptor Descriptor => new(Name, ElementType, Shape);
}
