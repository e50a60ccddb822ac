using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;

namespace TrtSharp.OnnxRuntime;

/// <summary>Appends the requested execution providers to session options, skipping those that cannot load.</summary>
internal static class ExecutionProviderSelector
{
    private static readonly Action<ILogger, string, string, Exception?> LogFallback = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(1, "ProviderFallback"), "ONNX Runtime execution provider {Provider} is not usable, falling back to the next: {Reason}");

    private static readonly Action<ILogger, string, string, Exception?> LogCreated = LoggerMessage.Define<string, string>(
        LogLevel.Information, new EventId(2, "SessionCreated"), "ONNX Runtime session for {Model} runs on {Providers}");

    /// <summary>The providers to try when the user names none.</summary>
    public static IReadOnlyList<ExecutionProviderOptions> Defaults { get; } = [new CpuProviderOptions()];

    /// <summary>
    /// Tries each provider in order on <paramref name="sessionOptions"/>; the ones that append are returned in
    /// priority order, the others are added to <paramref name="fallbacks"/> and logged.
    /// </summary>
    public static List<ExecutionProviderOptions> Append(
        SessionOptions sessionOptions, IEnumerable<ExecutionProviderOptions> providers, List<ProviderFallback> fallbacks, ILogger? logger)
    {
        var appended = new List<ExecutionProviderOptions>();
        foreach (ExecutionProviderOptions provider in providers)
        {
            try
            {
                AppendOne(sessionOptions, provider);
                appended.Add(provider);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                Record(fallbacks, provider, WithRealReason(provider, ex.Message.Trim()), logger);
            }
        }
        return appended;
    }

    /// <summary>
    /// ONNX Runtime's message with the probe's finding in front: ORT says only "Failed to load shared library" (or, with the
    /// CPU package, that an entry point is missing), never which library or what to install.
    /// </summary>
    public static string WithRealReason(ExecutionProviderOptions provider, string onnxRuntimeMessage) =>
        ProviderLibraryProbe.Explain(provider) is { } probe ? $"{probe} (ONNX Runtime: {onnxRuntimeMessage})" : onnxRuntimeMessage;

    /// <summary>Records and logs one skipped provider.</summary>
    public static void Record(List<ProviderFallback> fallbacks, ExecutionProviderOptions provider, string reason, ILogger? logger)
    {
        fallbacks.Add(new ProviderFallback(provider.ProviderName, reason));
        if (logger is not null)
        {
            LogFallback(logger, provider.ProviderName, reason, null);
        }
    }

    /// <summary>Logs which providers a new session got.</summary>
    public static void LogSession(ILogger? logger, string? modelPath, IEnumerable<string> providers)
    {
        if (logger is not null)
        {
            LogCreated(logger, modelPath ?? "an in-memory model", string.Join(" > ", providers), null);
        }
    }

    /// <summary>The exception when nothing the user asked for can run.</summary>
    public static BackendUnavailableException NoneUsable(IEnumerable<ProviderFallback> fallbacks) => new(
        "none of the requested ONNX Runtime execution providers can be used: "
        + string.Join("; ", fallbacks.Select(f => $"{f.ProviderName}: {f.Reason}")));

    private static void AppendOne(SessionOptions sessionOptions, ExecutionProviderOptions provider)
    {
        switch (provider)
        {
            case TensorRtProviderOptions trt:
                using (var trtOptions = new OrtTensorRTProviderOptions())
                {
                    trtOptions.UpdateOptions(trt.ToProviderOptions());
                    sessionOptions.AppendExecutionProvider_Tensorrt(trtOptions);
                }
                break;
            case CudaProviderOptions cuda:
                sessionOptions.AppendExecutionProvider_CUDA(cuda.DeviceId);
                break;
            case OpenVinoProviderOptions openVino:
                sessionOptions.AppendExecutionProvider_OpenVINO(openVino.DeviceType);
                break;
            case CpuProviderOptions cpu:
                sessionOptions.AppendExecutionProvider_CPU(cpu.UseArena ? 1 : 0);
                break;
            default:
                throw new ArgumentException($"unknown execution provider options type {provider.GetType().Name}", nameof(provider));
        }
    }
}
