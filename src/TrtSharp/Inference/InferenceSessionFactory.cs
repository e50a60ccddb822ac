using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.TensorRT;

namespace TrtSharp.Inference;

/// <summary>
/// Opens a model on the best backend usable here: a TensorRT engine (loaded from <see cref="InferenceSessionOptions.EngineCache"/>
/// or built) where the full native shim and a CUDA device are, else ONNX Runtime with the requested execution providers.
/// The returned <see cref="BackendChoice"/> says which backend runs it and, concretely, why.
/// </summary>
public static class InferenceSessionFactory
{
    /// <summary>
    /// Opens an ONNX model file, or a TensorRT plan (<c>.plan</c>/<c>.engine</c>, which only TensorRT can run).
    /// </summary>
    /// <exception cref="BackendUnavailableException">The backend asked for (or the only one that can run a plan) is not usable here; the message says why.</exception>
    /// <exception cref="ModelFormatException">The file is missing or not a model.</exception>
    public static OpenedSession Open(string modelPath, InferenceSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ExistingFile.Require(modelPath);
        options ??= new InferenceSessionOptions();
        if (IsPlan(modelPath))
        {
            return OpenPlan(modelPath, options);
        }
        return Open(new ModelSource(modelPath, null), options);
    }

    /// <summary>Opens an ONNX model already loaded (e.g. normalized or edited in memory).</summary>
    /// <exception cref="BackendUnavailableException">The backend asked for is not usable here; the message says why.</exception>
    public static OpenedSession Open(OnnxModel model, InferenceSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        // A model changed in memory is not what its file holds: run (and build from) its bytes.
        string? file = model.FilePath is { } path && model.Normalization is not { Changed: true } ? path : null;
        return Open(new ModelSource(file, file is null ? model : null), options ?? new InferenceSessionOptions());
    }

    /// <summary>Whether <paramref name="path"/> names a TensorRT plan (<c>.plan</c>/<c>.engine</c>), which only TensorRT runs, rather than an ONNX model.</summary>
    public static bool IsPlan(string path) => Path.GetExtension(path).ToLowerInvariant() is ".plan" or ".engine";

    /// <summary>Why TensorRT cannot run here, each fact concrete (the shim, libnvinfer, the CUDA device), or null when it can.</summary>
    public static string? TensorRtUnavailableReason()
    {
        if (TensorRtRuntime.UnavailableReason is not { } reason)
        {
            return null;
        }
        // A core-only shim stops at itself: it cannot say whether TensorRT is installed at all (the loader can), nor
        // whether there is a device (the CUDA runtime can). Each missing piece is named, so one fix is not followed by another surprise.
        var facts = new List<string> { reason };
        if (TensorRtLibraryProbe.Missing() is { } missing)
        {
            facts.Add(missing);
        }
        if (!reason.Contains("CUDA", StringComparison.Ordinal) && CudaRuntime.UnavailableReason is { } cuda)
        {
            facts.Add($"no usable CUDA device: {cuda}");
        }
        return string.Join("; ", facts);
    }

    private static OpenedSession Open(ModelSource source, InferenceSessionOptions options)
    {
        var reasons = new List<string>();
        if (options.Backend is null or InferenceBackend.TensorRt)
        {
            if (TensorRtUnavailableReason() is { } unavailable)
            {
                if (options.Backend == InferenceBackend.TensorRt)
                {
                    throw new BackendUnavailableException($"TensorRT was asked for but cannot run here: {unavailable}");
                }
                reasons.Add($"TensorRT: {unavailable}");
            }
            else
            {
                try
                {
                    return OpenTensorRt(source, options);
                }
                catch (Exception ex) when (options.Backend is null && ex is TensorRtException or TensorShapeException or CudaException)
                {
                    // What this TensorRT cannot build (an unsupported layer, a dynamic dimension without a profile, a failed or
                    // out-of-memory build): ONNX Runtime still runs the model, and the reason says what to change.
                    reasons.Add($"TensorRT cannot build this model: {ex.Message}");
                }
            }
        }
        OnnxRuntimeSession session = source.Path is { } path
            ? OnnxRuntimeSession.FromFile(path, options.OnnxRuntime)
            : OnnxRuntimeSession.FromBytes(source.Model!.SelfContainedBytes(source.Model.Proto), options.OnnxRuntime);
        foreach (ProviderFallback fallback in session.ProviderFallbacks)
        {
            reasons.Add($"{ShortProviderName(fallback.ProviderName)}: {fallback.Reason}");
        }
        reasons.Add($"ONNX Runtime runs on {string.Join(" > ", session.ActiveProviders)}");
        return new OpenedSession(session, new BackendChoice(InferenceBackend.OnnxRuntime, reasons));
    }

    private static OpenedSession OpenTensorRt(ModelSource source, InferenceSessionOptions options)
    {
        string? temp = null;
        try
        {
            string onnxPath = source.Path ?? (temp = WriteTemporaryModel(source.Model!));
            Engine engine;
            string how;
            if (options.EngineCache is { } cache)
            {
                engine = cache.GetOrBuild(onnxPath, options.TensorRtBuild, out bool hit);
                how = hit ? $"engine loaded from the cache in {cache.Directory}" : $"engine built and stored in the cache in {cache.Directory}";
            }
            else
            {
                engine = EngineBuilder.Build(onnxPath, options.TensorRtBuild);
                how = "engine built (no engine cache configured)";
            }
            var context = OwningContext(engine);
            string device = context.Device;
            return new OpenedSession(context, new BackendChoice(InferenceBackend.TensorRt,
                [$"TensorRT {TensorRtRuntime.LoadedLibraryVersion} and CUDA device {context.DeviceIndex} ({device}) are usable", how]));
        }
        finally
        {
            if (temp is not null)
            {
                File.Delete(temp);
            }
        }
    }

    private static OpenedSession OpenPlan(string planPath, InferenceSessionOptions options)
    {
        if (options.Backend == InferenceBackend.OnnxRuntime)
        {
            throw new BackendUnavailableException($"{planPath} is a TensorRT plan; ONNX Runtime cannot run it (give the ONNX model instead)");
        }
        if (TensorRtUnavailableReason() is { } unavailable)
        {
            throw new BackendUnavailableException($"{planPath} is a TensorRT plan, and TensorRT cannot run here: {unavailable}");
        }
        var context = TensorRtContext.Open(planPath);
        return new OpenedSession(context, new BackendChoice(InferenceBackend.TensorRt,
            [$"a TensorRT plan runs on TensorRT only; CUDA device {context.DeviceIndex} ({context.Device})"]));
    }

    private static TensorRtContext OwningContext(Engine engine)
    {
        try
        {
            return new TensorRtContext(engine, ownsEngine: true);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private static string WriteTemporaryModel(OnnxModel model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"trtsharp-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.SelfContainedBytes(model.Proto));
        return path;
    }

    private static string ShortProviderName(string providerName) => providerName switch
    {
        "CUDAExecutionProvider" => "CUDA EP",
        "TensorrtExecutionProvider" => "TensorRT EP",
        "OpenVINOExecutionProvider" => "OpenVINO EP",
        "CPUExecutionProvider" => "CPU EP",
        _ => providerName,
    };

    /// <summary>A model as a file (run from it directly) or as an in-memory model.</summary>
    private sealed record ModelSource(string? Path, OnnxModel? Model);
}
