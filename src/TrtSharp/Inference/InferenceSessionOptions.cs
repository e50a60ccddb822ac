using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;

namespace TrtSharp.Inference;

/// <summary>How <see cref="InferenceSessionFactory"/> opens a model: which backend, and each backend's settings.</summary>
/// <remarks>Thread safety: configure, then share; do not change it while a session is being opened from it (docs/thread-safety.md).</remarks>
public sealed class InferenceSessionOptions
{
    /// <summary>
    /// The backend to use; null picks the best one usable here (TensorRT where its shim and a CUDA device are, else ONNX
    /// Runtime). A backend named here that cannot run throws <see cref="Errors.BackendUnavailableException"/> instead of falling back.
    /// </summary>
    public InferenceBackend? Backend { get; set; }

    /// <summary>ONNX Runtime's settings, execution providers included (tried in order, each skipped one with its reason).</summary>
    public OnnxRuntimeOptions OnnxRuntime { get; set; } = new();

    /// <summary>How a TensorRT engine is built from an ONNX model (default: FP32, shapes as the model declares them).</summary>
    public BuilderOptions TensorRtBuild { get; set; } = new();

    /// <summary>Where built engines are kept and looked up; null builds the engine every time a session is opened.</summary>
    public EngineCache? EngineCache { get; set; }
}
