using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.OnnxRuntime;

/// <summary>Moves non-tensor values (sequences, optionals) between <see cref="ModelValue"/> and <see cref="OrtValue"/>.</summary>
internal static class OrtValueInterop
{
    /// <summary>
    /// The value as an <see cref="OrtValue"/>, or null for an absent optional (ONNX Runtime takes "none" as an
    /// input that is not fed). Every value created, elements included, goes to <paramref name="owned"/> and every
    /// pinned array to <paramref name="pins"/>; the caller releases both after the run.
    /// </summary>
    public static OrtValue? ToOrt(ModelValue value, List<OrtValue> owned, List<GCHandle> pins)
    {
        switch (value)
        {
            case TensorValue t:
                OrtValue tensor = OrtTensorInterop.Wrap(t.Tensor, OrtMemoryInfo.DefaultInstance, out GCHandle pin);
                owned.Add(tensor);
                if (pin.IsAllocated)
                {
                    pins.Add(pin);
                }
                return tensor;
            case SequenceValue s:
                var elements = new List<OrtValue>(s.Elements.Count);
                foreach (ModelValue element in s.Elements)
                {
                    elements.Add(ToOrt(element, owned, pins) ?? throw new UnsupportedDataTypeException("a sequence element is an absent optional, which ONNX Runtime cannot hold"));
                }
                if (elements.Count == 0)
                {
                    // ONNX Runtime cannot build an empty sequence from the C# API (it needs an element to learn the type).
                    throw new UnsupportedDataTypeException("empty sequences cannot be passed to ONNX Runtime");
                }
                // ONNX Runtime copies the elements into the sequence; ours stay in 'owned' and are released with it.
                OrtValue sequence = OrtValue.CreateSequence(elements);
                owned.Add(sequence);
                return sequence;
            case OptionalValue o:
                // A present optional is passed as its element: ONNX Runtime matches it against the optional type.
                return o.Element is null ? null : ToOrt(o.Element, owned, pins);
            default:
                throw new UnsupportedDataTypeException($"{value.GetType().Name} values cannot be passed to ONNX Runtime");
        }
    }

    /// <summary>Copies an ONNX Runtime output into a <see cref="ModelValue"/>.</summary>
    public static ModelValue FromOrt(OrtValue value, string name) => value.OnnxType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => new TensorValue(OrtTensorInterop.ToHost(value, name)),
        OnnxValueType.ONNX_TYPE_SEQUENCE => new SequenceValue(SequenceElements(value, name)),
        // ONNX Runtime hands out a present optional as its element; what is left typed "optional" holds nothing.
        OnnxValueType.ONNX_TYPE_OPTIONAL => new OptionalValue(null),
        _ => throw new UnsupportedDataTypeException($"output '{name}' is a {value.OnnxType}, which TrtSharp cannot read"),
    };

    private static List<ModelValue> SequenceElements(OrtValue sequence, string name)
    {
        int count = sequence.GetValueCount();
        var elements = new List<ModelValue>(count);
        for (int i = 0; i < count; i++)
        {
            using OrtValue element = sequence.GetValue(i, OrtAllocator.DefaultInstance);
            elements.Add(FromOrt(element, $"{name}[{i}]"));
        }
        return elements;
    }
}
