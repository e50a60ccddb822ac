namespace TrtSharp.OnnxRuntime;

/// <summary>ONNX Runtime's OpenVINO execution provider.</summary>
public sealed record OpenVinoProviderOptions : ExecutionProviderOptions
{
    /// <inheritdoc/>
    public override string ProviderName => "OpenVINOExecutionProvider";

    /// <summary>OpenVINO device type, e.g. "CPU", "GPU", "NPU".</summary>
    public string DeviceType { get; init; } = "CPU";
}
