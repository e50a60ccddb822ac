namespace TrtSharp.OnnxRuntime;

/// <summary>ONNX Runtime's CUDA execution provider.</summary>
public sealed record CudaProviderOptions : ExecutionProviderOptions
{
    /// <inheritdoc/>
    public override string ProviderName => "CUDAExecutionProvider";

    /// <summary>CUDA device ordinal.</summary>
    public int DeviceId { get; init; }
}
