using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.OnnxRuntime;

/// <summary>Creates <see cref="OnnxRuntimeSession"/>s: parsing, taps, session options and execution-provider fallback.</summary>
internal static class OnnxRuntimeSessionLoader
{
    /// <summary>Whether the options ask for taps (the model is then edited before loading).</summary>
    public static bool WantsTaps(OnnxRuntimeOptions options) => options.Taps.Count > 0 || options.TapAllFloatingPoint;

    /// <summary>Parses ONNX bytes; <paramref name="path"/> names the file in errors.</summary>
    public static ModelProto ParseModel(byte[] bytes, string? path)
    {
        try
        {
            ModelProto model = ModelProto.Parser.ParseFrom(bytes);
            if (model.Graph is null)
            {
                throw new ModelFormatException(path, "not an ONNX model (no graph)");
            }
            return model;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelFormatException(path, $"not a valid ONNX protobuf: {ex.Message}", ex);
        }
    }

    /// <summary>Adds the taps to <paramref name="model"/> (a copy the caller owns) and creates the session.</summary>
    public static OnnxRuntimeSession CreateWithTaps(ModelProto model, string? path, OnnxRuntimeOptions options)
    {
        if (model.Graph is null)
        {
            throw new ModelFormatException(path, "not an ONNX model (no graph)");
        }
        var requested = new List<string>(options.Taps);
        if (options.TapAllFloatingPoint)
        {
            // Every node output; ONNX Runtime's inferred types decide which are floating-point after loading.
            requested.AddRange(OnnxTaps.ListCandidates(model).Where(n => !options.TapExclusions.Contains(n)));
        }
        IReadOnlyList<string> added = OnnxTaps.AddTaps(model, requested);
        // Taps the user named that are model outputs already stay where they are; the rest follow.
        return Create(model.ToByteArray(), path, added, options);
    }

    /// <summary>
    /// Creates the session from <paramref name="bytes"/> (or the file when null), trying the execution providers in order:
    /// one that cannot append, or that fails when the session initialises it, is recorded as a fallback and the rest retried.
    /// </summary>
    public static OnnxRuntimeSession Create(byte[]? bytes, string? path, IReadOnlyList<string> taps, OnnxRuntimeOptions options)
    {
        OnnxRuntimeEnvironment.Ensure();
        if (options.UseGlobalThreadPool)
        {
            OnnxRuntimeEnvironment.RequireGlobalThreadPool();
        }
        var fallbacks = new List<ProviderFallback>();
        // ONNX Runtime writes the optimized model itself while it creates the session: let it write a temporary
        // file (same extension: it picks ONNX or ORT format by it) and rename that once the session exists.
        using PendingFile? optimized = options.OptimizedModelPath is null ? null : AtomicFile.Begin(options.OptimizedModelPath, keepExtension: true);
        IEnumerable<ExecutionProviderOptions> remaining = options.ExecutionProviders.Count > 0 ? options.ExecutionProviders : ExecutionProviderSelector.Defaults;
        while (true)
        {
            using SessionOptions sessionOptions = OrtSessionOptionsFactory.Create(options, path, bytes is not null, optimized?.TempPath);
            List<ExecutionProviderOptions> appended = ExecutionProviderSelector.Append(sessionOptions, remaining, fallbacks, options.Logger);
            if (appended.Count == 0)
            {
                throw ExecutionProviderSelector.NoneUsable(fallbacks);
            }
            try
            {
                InferenceSession session = bytes is null ? new InferenceSession(path!, sessionOptions) : new InferenceSession(bytes, sessionOptions);
                OnnxRuntimeSession created;
                try
                {
                    created = new OnnxRuntimeSession(session, path, bytes, taps, appended, fallbacks, options);
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
                try
                {
                    optimized?.Commit();
                }
                catch
                {
                    created.Dispose();
                    throw;
                }
                ExecutionProviderSelector.LogSession(options.Logger, path, created.ActiveProviders);
                return created;
            }
            catch (OnnxRuntimeException ex) when (appended[0] is not CpuProviderOptions)
            {
                // A provider can append yet fail when the session initialises it (no GPU, driver too old): drop it and retry.
                ExecutionProviderSelector.Record(fallbacks, appended[0], ExecutionProviderSelector.WithRealReason(appended[0], $"session creation failed: {ex.Message.Trim()}"), options.Logger);
                remaining = appended.Skip(1).ToArray();
                if (!remaining.Any())
                {
                    throw ExecutionProviderSelector.NoneUsable(fallbacks);
                }
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelFormatException(path, $"ONNX Runtime cannot load the model: {ex.Message.Trim()}", ex);
            }
        }
    }
}
