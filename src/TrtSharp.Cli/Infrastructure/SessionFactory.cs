using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;
using TrtSharp.Tools.Models;

namespace TrtSharp.Cli.Infrastructure;

/// <summary>
/// The CLI's side of opening a model: reads the --backend spelling and normalizes ONNX models, then lets
/// <see cref="InferenceSessionFactory"/> choose and open the backend.
/// </summary>
internal static class SessionFactory
{
    /// <summary>
    /// ONNX Runtime's log level in every CLI session: fatal only. A failing kernel is logged at error level and also
    /// returned, and the CLI reports what is returned in one line, so the log would print it a second time; its warnings
    /// (opset age, unused initializers) are noise in a command's output.
    /// </summary>
    public const OnnxRuntimeLogSeverity LogSeverity = OnnxRuntimeLogSeverity.Fatal;

    /// <summary>Backend names the CLI accepts: "auto" (the library's choice) and the short names of <see cref="InferenceBackend"/>.</summary>
    public static readonly string[] Backends = ["auto", "ort", "trt"];

    /// <summary>The backend an option value names ("ort", "trt"), or null for "auto" (the best one usable here).</summary>
    public static InferenceBackend? Parse(string backend) => backend == "auto" ? null
        : InferenceBackendNames.TryParse(backend) ?? throw new ArgumentException($"unknown backend '{backend}': use auto, ort or trt");

    /// <summary>
    /// Opens <paramref name="path"/> on <paramref name="backend"/> (null: the best one usable here); <paramref name="configure"/> adjusts
    /// ONNX Runtime options. ONNX models are normalized first (<see cref="ModelNormalizer"/>) unless <paramref name="normalize"/> is
    /// false; one that cannot be normalized (e.g. an opset that cannot be converted) runs as it is, since ONNX Runtime runs older opsets natively.
    /// </summary>
    public static OpenedSession Open(string path, InferenceBackend? backend = null, Action<OnnxRuntimeOptions>? configure = null, bool normalize = true)
    {
        ExistingFile.Require(path);
        var options = new InferenceSessionOptions { Backend = backend };
        options.OnnxRuntime.LogSeverity = LogSeverity;
        configure?.Invoke(options.OnnxRuntime);
        if (backend is not InferenceBackend.OnnxRuntime && !InferenceSessionFactory.IsPlan(path) && InferenceSessionFactory.TensorRtUnavailableReason() is null)
        {
            // Where TensorRT runs, an .onnx given to run/bench/compare is built into an engine: cache it so the next
            // command on the same model and GPU loads the engine instead of building again (minutes for large models).
            options.EngineCache = new EngineCache(EngineCacheFolder, DefaultEngineCacheBytes);
        }
        if (!normalize || InferenceSessionFactory.IsPlan(path))
        {
            return InferenceSessionFactory.Open(path, options);
        }
        // Our loader first: it names what is wrong more precisely than ONNX Runtime, and refuses what ONNX Runtime
        // lets through (unused tensors whose data contradicts their shape, models without an IR version).
        var model = OnnxModel.Load(path);
        try
        {
            ModelNormalizer.Normalize(model);
        }
        catch (TrtSharpException)
        {
            // An opset that cannot be converted (or ONNX Runtime refusing the constant subgraph): run the file as it is.
            return InferenceSessionFactory.Open(path, options);
        }
        return InferenceSessionFactory.Open(model, options);
    }

    /// <summary>Where run/bench/compare keep the engines they build: <c>&lt;cache root&gt;/engines</c> (see <see cref="ModelCache.Root"/>).</summary>
    public static string EngineCacheFolder => Path.Combine(ModelCache.Root, "engines");

    /// <summary>Size limit of that folder: the oldest engines are evicted beyond it.</summary>
    private const long DefaultEngineCacheBytes = 8L << 30;

    /// <summary>The one line that says which backend "auto" chose and why, e.g. "backend: onnxruntime (TensorRT: …)".</summary>
    public static string ChoiceLine(BackendChoice choice, string? side = null) =>
        $"backend{(side is null ? "" : " " + side)}: {CommandRunner.OneLine(choice.ToString())}";
}
