using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.OnnxRuntime;

/// <summary>Checks of what a caller feeds a session, before ONNX Runtime sees it (its own messages name less).</summary>
internal static class OrtInputChecks
{
    /// <summary>Checks a shape against a descriptor: rank and every fixed dimension.</summary>
    public static void CheckShape(TensorDescriptor descriptor, ReadOnlySpan<long> shape)
    {
        if (shape.Length != descriptor.Shape.Length)
        {
            throw new TensorShapeException(descriptor.Name,
                $"expected rank {descriptor.Shape.Length} {descriptor}, got rank {shape.Length} {HostTensor.FormatShape(shape)}");
        }
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new TensorShapeException(descriptor.Name, $"dimension {i} is negative in {HostTensor.FormatShape(shape)}");
            }
            if (descriptor.Shape[i] >= 0 && descriptor.Shape[i] != shape[i])
            {
                throw new TensorShapeException(descriptor.Name,
                    $"expected {descriptor}, got {HostTensor.FormatShape(shape)} (dimension {i} must be {descriptor.Shape[i]})");
            }
        }
    }

    /// <summary>Checks fed tensors against the session's inputs: each named, typed and shaped as declared, none missing.</summary>
    public static void CheckInputs(IReadOnlyList<TensorDescriptor> declared, Func<string, TensorDescriptor> lookup, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        foreach ((string name, HostTensor tensor) in inputs)
        {
            TensorDescriptor d = lookup(name);
            if (tensor is null)
            {
                throw new TensorShapeException(name, "the tensor is null");
            }
            if (d.ElementType == TensorElementType.Undefined)
            {
                throw new UnsupportedDataTypeException($"input '{name}' is not a tensor (sequence, map or optional); only tensors are supported");
            }
            if (tensor.ElementType != d.ElementType)
            {
                throw new TensorShapeException(name,
                    $"expected element type {TensorElementTypeInfo.Name(d.ElementType)}, got {TensorElementTypeInfo.Name(tensor.ElementType)}");
            }
            CheckShape(d, tensor.Shape);
        }
        foreach (TensorDescriptor d in declared)
        {
            if (!inputs.ContainsKey(d.Name))
            {
                throw new TensorShapeException(d.Name,
                    $"required input {d} was not given (given: {string.Join(", ", inputs.Keys)})");
            }
        }
    }
}
