namespace TrtSharp.OnnxRuntime;

/// <summary>ONNX Runtime's CPU execution provider (always present).</summary>
public sealed record CpuProviderOptions : ExecutionProviderOptions
{
    /// <inheritdoc/>
    public override string ProviderName => "CPUExecutionProvider";

    /// <summary>Use ONNX Runtime's arena allocator for intermediate tensors.</summary>
    public bool UseArena { get; init; } = true;
}
