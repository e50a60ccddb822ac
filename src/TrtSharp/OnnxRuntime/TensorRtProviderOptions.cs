namespace TrtSharp.OnnxRuntime;

/// <summary>ONNX Runtime's TensorRT execution provider.</summary>
public sealed record TensorRtProviderOptions : ExecutionProviderOptions
{
    /// <inheritdoc/>
    public override string ProviderName => "TensorrtExecutionProvider";

    /// <summary>CUDA device ordinal.</summary>
    public int DeviceId { get; init; }

    /// <summary>Let TensorRT pick FP16 kernels.</summary>
    public bool Fp16 { get; init; }

    /// <summary>Let TensorRT pick INT8 kernels (needs Q/DQ nodes or a calibration table).</summary>
    public bool Int8 { get; init; }

    /// <summary>Cache built engines on disk so the next session loads instead of building.</summary>
    public bool EngineCacheEnable { get; init; }

    /// <summary>Folder of the engine cache (used when <see cref="EngineCacheEnable"/>).</summary>
    public string? EngineCachePath { get; init; }

    /// <summary>The provider options as ONNX Runtime's key/value pairs.</summary>
    public Dictionary<string, string> ToProviderOptions()
    {
        var options = new Dictionary<string, string>
        {
            ["device_id"] = DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["trt_fp16_enable"] = Fp16 ? "1" : "0",
            ["trt_int8_enable"] = Int8 ? "1" : "0",
            ["trt_engine_cache_enable"] = EngineCacheEnable ? "1" : "0",
        };
        if (EngineCachePath is not null)
        {
            options["trt_engine_cache_path"] = EngineCachePath;
        }
        return options;
    }
}
