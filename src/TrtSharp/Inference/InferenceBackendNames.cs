using TrtSharp.Errors;

namespace TrtSharp.Inference;

/// <summary>
/// The spellings of <see cref="InferenceBackend"/> outside code: the lower-case names reports and JSON carry
/// ("onnxruntime", "tensorrt") and the short ones the CLI accepts ("ort", "trt").
/// </summary>
public static class InferenceBackendNames
{
    /// <summary>The stable lower-case name written to reports and exports, e.g. "onnxruntime".</summary>
    public static string Name(this InferenceBackend backend) => backend switch
    {
        InferenceBackend.OnnxRuntime => "onnxruntime",
        InferenceBackend.TensorRt => "tensorrt",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown backend"),
    };

    /// <summary>The short name the CLI accepts, e.g. "ort".</summary>
    public static string ShortName(this InferenceBackend backend) => backend switch
    {
        InferenceBackend.OnnxRuntime => "ort",
        InferenceBackend.TensorRt => "trt",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown backend"),
    };

    /// <summary>Reads "ort"/"onnxruntime" or "trt"/"tensorrt" (any case); null when the text names neither.</summary>
    public static InferenceBackend? TryParse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "ort" or "onnxruntime" => InferenceBackend.OnnxRuntime,
        "trt" or "tensorrt" => InferenceBackend.TensorRt,
        _ => null,
    };

    /// <summary>Reads a backend name as <see cref="TryParse"/> does.</summary>
    /// <exception cref="TrtSharpException">The text names no backend.</exception>
    public static InferenceBackend Parse(string text) =>
        TryParse(text) ?? throw new TrtSharpException($"unknown backend '{text}': use ort (onnxruntime) or trt (tensorrt)");
}
