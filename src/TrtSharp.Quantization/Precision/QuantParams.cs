namespace TrtSharp.Quantization.Precision;

/// <summary>Per-tensor activation quantization parameters.</summary>
/// <param name="ElementType">ONNX element type of the quantized tensor (2 uint8, 3 int8).</param>
/// <param name="Scale">Scale (strictly positive).</param>
/// <param name="ZeroPoint">Zero point in the element type's range.</param>
internal readonly record struct QuantParams(int ElementType, float Scale, int ZeroPoint);
