namespace TrtSharp.Quantization.Precision;

/// <summary>Where Q/DQ nodes go: each runtime fuses a different pattern into integer kernels.</summary>
public enum QdqProfile
{
    /// <summary>
    /// TensorRT explicit quantization: symmetric INT8 Q/DQ on the inputs of Conv/ConvTranspose/Gemm/MatMul and of
    /// residual Adds, per-channel INT8 weights, float bias, nothing on outputs (TensorRT fuses outward itself).
    /// </summary>
    TensorRt,

    /// <summary>
    /// ONNX Runtime CPU provider: uint8 activations on Conv inputs and outputs (so DQ→Conv→Q becomes QLinearConv),
    /// per-channel int8 weights, int32 bias, pointwise/pooling ops in between kept in the integer domain.
    /// </summary>
    OrtCpu,
}
