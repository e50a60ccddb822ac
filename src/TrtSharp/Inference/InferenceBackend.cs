namespace TrtSharp.Inference;

/// <summary>What executes a model behind <see cref="IInferenceSession"/>.</summary>
public enum InferenceBackend
{
    /// <summary>ONNX Runtime (<c>OnnxRuntimeSession</c>), with the execution providers it was given (CPU by default).</summary>
    OnnxRuntime,

    /// <summary>A TensorRT engine on an NVIDIA GPU (<c>TensorRtContext</c>).</summary>
    TensorRt,
}
