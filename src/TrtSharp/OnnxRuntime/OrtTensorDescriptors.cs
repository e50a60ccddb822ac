using Microsoft.ML.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.OnnxRuntime;

/// <summary>Turns ONNX Runtime's input and output metadata into <see cref="TensorDescriptor"/>s.</summary>
internal static class OrtTensorDescriptors
{
    /// <summary>A descriptor from ONNX Runtime's metadata; non-tensor values get element type Undefined.</summary>
    public static TensorDescriptor Describe(string name, NodeMetadata meta)
    {
        if (!meta.IsTensor)
        {
            return new TensorDescriptor(name, TensorElementType.Undefined, []);
        }
        long[] shape = meta.Dimensions.Select(d => (long)d).ToArray();
        string?[] symbols = meta.SymbolicDimensions.Select(s => string.IsNullOrEmpty(s) ? null : s).ToArray();
        if (symbols.Length != shape.Length)
        {
            symbols = new string?[shape.Length];
        }
        return new TensorDescriptor(name, OrtTensorInterop.FromOrt(meta.ElementDataType), shape, symbols);
    }
}
