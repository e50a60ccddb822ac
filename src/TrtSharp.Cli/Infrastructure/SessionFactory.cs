using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.IO;

namespace TrtSharp.Cli.Infrastructure;

/// <summary>Opens a model or plan on the backend the user asked for (or the one its file type implies).</summary>
internal static class SessionFactory
{
    /// <summary>Backend names the CLI accepts: "auto" (by file type) and the short names of <see cref="InferenceBackend"/>.</summary>
    public static readonly string[] Backends = ["auto", "ort", "trt"];

    /// <summary>Why the TensorRT backend cannot run in this build, in one sentence.</summary>
    public const string TensorRtUnavailableReason =
        "the TensorRT backend needs an NVIDIA GPU, the TensorRT 10/11 libraries and the native shim built in full mode; none is available here";

    /// <summary>
    /// The backend an option value names ("ort", "trt"), or for "auto" the one the file implies:
    /// <c>.plan</c>/<c>.engine</c> → TensorRT, anything else → ONNX Runtime.
    /// </summary>
    public static InferenceBackend Resolve(string path, string backend)
    {
        if (backend == "auto")
        {
            return ByFileType(path);
        }
        return backend is "ort" or "trt" ? InferenceBackendNames.Parse(backend)
            : throw new ArgumentException($"unknown backend '{backend}': use auto, ort or trt");
    }

    /// <summary>The backend a file implies: <c>.plan</c>/<c>.engine</c> → TensorRT, anything else → ONNX Runtime.</summary>
    public static InferenceBackend ByFileType(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext is ".plan" or ".engine" ? InferenceBackend.TensorRt : InferenceBackend.OnnxRuntime;
    }

    /// <summary>
    /// Opens <paramref name="path"/> on <paramref name="backend"/> (null: by file type); <paramref name="configure"/> adjusts ONNX Runtime options. ONNX models are
    /// normalized first (<see cref="ModelNormalizer"/>) unless <paramref name="normalize"/> is false; one that cannot
    /// be normalized (e.g. an opset that cannot be converted) runs as it is, since ONNX Runtime runs older opsets natively.
    /// </summary>
    public static IInferenceSession Open(string path, InferenceBackend? backend = null, Action<OnnxRuntimeOptions>? configure = null, bool normalize = true)
    {
        ExistingFile.Require(path);
        switch (backend ?? ByFileType(path))
        {
            case InferenceBackend.OnnxRuntime:
                // Our loader first: it names what is wrong more precisely than ONNX Runtime, and refuses what ONNX Runtime
                // lets through (unused tensors whose data contradicts their shape, models without an IR version).
                var model = OnnxModel.Load(path);
                var options = new OnnxRuntimeOptions();
                configure?.Invoke(options);
                if (!normalize)
                {
                    return OnnxRuntimeSession.FromFile(path, options);
                }
                try
                {
                    ModelNormalizer.Normalize(model);
                }
                catch (TrtSharpException)
                {
                    // An opset that cannot be converted (or ONNX Runtime refusing the constant subgraph): run the file as it is.
                    return OnnxRuntimeSession.FromFile(path, options);
                }
                return OpenOrt(model, options);
            default:
                if (TensorRtRuntime.UnavailableReason is { } reason)
                {
                    throw new BackendUnavailableException($"{path}: {TensorRtUnavailableReason} ({reason})");
                }
                return TrtSharp.TensorRT.TensorRtContext.Open(path);
        }
    }

    /// <summary>An ONNX Runtime session on a loaded (normalized) model: from its file when normalization changed nothing, else from memory.</summary>
    public static OnnxRuntimeSession OpenOrt(OnnxModel model, OnnxRuntimeOptions options) =>
        model.FilePath is { } file && model.Normalization is not { Changed: true }
            ? OnnxRuntimeSession.FromFile(file, options)
            : OnnxRuntimeSession.FromBytes(model.SelfContainedBytes(model.Proto), options);
}
