using System.Runtime.InteropServices;

namespace TrtSharp.Tensors;

/// <summary>A complex number of two float32 parts, the layout of ONNX <c>COMPLEX64</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Complex64(float Real, float Imaginary);
