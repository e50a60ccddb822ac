using TrtSharp.Tensors;

namespace TrtSharp.Triton;

/// <summary>One model input or output as Triton sees it: the full shape (dynamic dimensions -1), and whether it is a shape tensor.</summary>
/// <param name="Descriptor">Name, element type and shape.</param>
/// <param name="IsShapeTensor">True for a TensorRT shape tensor (its values, not its data, set shapes).</param>
/// <param name="MaxLeadingDimension">The largest value the leading dimension may take, where known (a plan's profile).</param>
public sealed record TritonTensor(TensorDescriptor Descriptor, bool IsShapeTensor = false, long? MaxLeadingDimension = null);
