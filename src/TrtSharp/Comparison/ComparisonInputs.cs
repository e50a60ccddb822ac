using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>
/// One set of inputs fed to both sides of a comparison: tensors the user gave, seeded random ones for the rest,
/// converted where the compared model takes another floating-point type (e.g. an FP16 model against FP32).
/// </summary>
internal static class ComparisonInputs
{
    /// <summary>
    /// Inputs for a session with <paramref name="inputs"/>: <paramref name="given"/> tensors by name, the rest random
    /// from one <see cref="Random"/> seeded with <paramref name="seed"/> (in model order, so runs repeat exactly),
    /// shaped by <paramref name="shapes"/> where given and with dynamic dimensions as 1 otherwise.
    /// </summary>
    /// <exception cref="TensorNotFoundException">A given tensor or shape names no input.</exception>
    public static Dictionary<string, HostTensor> Create(IReadOnlyList<TensorDescriptor> inputs, IReadOnlyDictionary<string, HostTensor>? given,
        IReadOnlyDictionary<string, long[]>? shapes, int seed)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var names = inputs.Select(d => d.Name).ToArray();
        foreach (string name in (given?.Keys ?? []).Concat(shapes?.Keys ?? []))
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                throw new TensorNotFoundException(name, names);
            }
        }
        var random = new Random(seed);
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (TensorDescriptor d in inputs)
        {
            if (given is not null && given.TryGetValue(d.Name, out HostTensor? tensor))
            {
                result[d.Name] = tensor;
                continue;
            }
            result[d.Name] = RandomTensors.Create(d.ElementType, RandomTensors.ResolveShape(d, shapes), random);
        }
        return result;
    }

    /// <summary>
    /// Adapts the reference's inputs to another session's inputs: same names required; a floating-point tensor is
    /// converted when the other side wants another floating-point type.
    /// </summary>
    /// <exception cref="TensorShapeException">An input the other side needs is missing, or its type cannot be converted.</exception>
    public static Dictionary<string, HostTensor> AdaptTo(IReadOnlyList<TensorDescriptor> inputs, IReadOnlyDictionary<string, HostTensor> referenceInputs, string sideName)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(referenceInputs);
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (TensorDescriptor d in inputs)
        {
            if (!referenceInputs.TryGetValue(d.Name, out HostTensor? tensor))
            {
                throw new TensorShapeException(d.Name,
                    $"{sideName} needs input {d}, which the reference does not have (reference inputs: {string.Join(", ", referenceInputs.Keys)})");
            }
            if (tensor.ElementType != d.ElementType)
            {
                if (!TensorElementTypeInfo.IsFloatingPoint(tensor.ElementType) || !TensorElementTypeInfo.IsFloatingPoint(d.ElementType))
                {
                    throw new TensorShapeException(d.Name,
                        $"{sideName} takes {TensorElementTypeInfo.Name(d.ElementType)}, the reference {TensorElementTypeInfo.Name(tensor.ElementType)}; only floating-point types are converted");
                }
                tensor = ConvertFloating(tensor, d.ElementType);
            }
            result[d.Name] = tensor;
        }
        return result;
    }

    /// <summary>Converts between float, double, float16 and bfloat16 (round to nearest).</summary>
    public static HostTensor ConvertFloating(HostTensor tensor, TensorElementType target)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        double[] values = TensorValues.ToDoubles(tensor);
        HostTensor result = HostTensor.Allocate(target, tensor.Shape);
        switch (result)
        {
            case HostTensor<float> t: for (int i = 0; i < values.Length; i++) { t.Data[i] = (float)values[i]; } break;
            case HostTensor<double> t: values.CopyTo(t.Data, 0); break;
            case HostTensor<Half> t: for (int i = 0; i < values.Length; i++) { t.Data[i] = (Half)values[i]; } break;
            case HostTensor<BFloat16> t: for (int i = 0; i < values.Length; i++) { t.Data[i] = BFloat16.FromSingle((float)values[i]); } break;
            default: throw new UnsupportedDataTypeException($"cannot convert to {TensorElementTypeInfo.Name(target)}");
        }
        return result;
    }
}
