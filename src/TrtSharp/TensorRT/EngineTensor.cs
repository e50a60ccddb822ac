using TrtSharp.Tensors;

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
    /// <summary>
    /// True when TensorRT reads or writes this tensor in host memory (<c>getTensorLocation</c> = kHOST), as for shape
    /// tensors: bindings give TensorRT a pinned host address for it instead of device memory.
    /// </summary>
    public bool OnHost { get; init; }

    /// <summary>
    /// True for shape-inference IO (<c>isShapeInferenceIO</c>): an input whose values decide output shapes, or an output
    /// computed during shape inference. Outputs that depend on such values get their shape from an output allocator.
    /// </summary>
    public bool IsShapeInferenceIO { get; init; }

    /// <summary>
    /// For shape-tensor inputs: per optimization profile the (min, opt, max) values TensorRT accepts
    /// (<c>getProfileTensorValues</c>); empty for every other tensor.
    /// </summary>
    public IReadOnlyList<(long[] Min, long[] Opt, long[] Max)> ProfileValues { get; init; } = [];

    /// <summary>The descriptor shared with other backends.</summary>
    public TensorDescriptor Descriptor => new(Name, ElementType, Shape);
}
