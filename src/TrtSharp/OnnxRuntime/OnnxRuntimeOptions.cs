using Microsoft.Extensions.Logging;

namespace TrtSharp.OnnxRuntime;

/// <summary>How an <see cref="OnnxRuntimeSession"/> is created: threads, optimization, providers, taps.</summary>
/// <remarks>Thread safety: configure, then share; do not change it while a session is being created from it (docs/thread-safety.md).</remarks>
public sealed class OnnxRuntimeOptions
{
    /// <summary>Threads inside one operator (0 = ONNX Runtime's default, one per core). Ignored with <see cref="UseGlobalThreadPool"/>.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads running independent operators in parallel (0 = default). Ignored with <see cref="UseGlobalThreadPool"/>.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>
    /// Whether idle per-session worker threads spin waiting for work (ONNX Runtime's default is to spin).
    /// Null keeps the default. Turn it off when several sessions share few cores.
    /// </summary>
    public bool? AllowSpinning { get; set; }

    /// <summary>
    /// Run on the process-wide thread pool of <see cref="OnnxRuntimeEnvironment"/> instead of creating one per session.
    /// Several sessions on few cores (a speech pipeline has seven) are many times faster this way.
    /// </summary>
    public bool UseGlobalThreadPool { get; set; }

    /// <summary>Graph optimizations ONNX Runtime applies when loading.</summary>
    public OnnxRuntimeGraphOptimization GraphOptimization { get; set; } = OnnxRuntimeGraphOptimization.All;

    /// <summary>Minimum severity of ONNX Runtime's own log messages for this session.</summary>
    public OnnxRuntimeLogSeverity LogSeverity { get; set; } = OnnxRuntimeLogSeverity.Warning;

    /// <summary>
    /// Raises <see cref="LogSeverity"/> to at least <paramref name="level"/>, for sessions the library opens on its own
    /// behalf: it quiets their warnings but never undoes a caller's quieter choice (the CLI's fatal-only).
    /// </summary>
    internal void LogAtLeast(OnnxRuntimeLogSeverity level)
    {
        if (LogSeverity < level)
        {
            LogSeverity = level;
        }
    }

    /// <summary>
    /// When set, ONNX Runtime writes the optimized graph there (useful to see fusions): to a temporary file beside it,
    /// renamed into place once the session exists. A <c>.ort</c> extension selects ORT format.
    /// </summary>
    public string? OptimizedModelPath { get; set; }

    /// <summary>
    /// Execution providers in priority order; each one that cannot be used is skipped with a logged reason.
    /// Empty means CPU only.
    /// </summary>
    public IList<ExecutionProviderOptions> ExecutionProviders { get; private set; } = new List<ExecutionProviderOptions>();

    /// <summary>Intermediate tensors exposed as extra outputs (after the model's own outputs).</summary>
    public IList<string> Taps { get; private set; } = new List<string>();

    /// <summary>Expose every floating-point node output of the main graph as a tap (in node order).</summary>
    public bool TapAllFloatingPoint { get; set; }

    /// <summary>Tensors <see cref="TapAllFloatingPoint"/> leaves out (e.g. ones a caller can compute exactly from other taps).</summary>
    public ISet<string> TapExclusions { get; private set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Where provider fallbacks and session facts are logged; null logs nothing.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>A copy, so that one caller's adjustments (e.g. adding taps) never leak into another's sessions.</summary>
    public OnnxRuntimeOptions Clone()
    {
        var copy = (OnnxRuntimeOptions)MemberwiseClone();
        copy.ExecutionProviders = new List<ExecutionProviderOptions>(ExecutionProviders);
        copy.Taps = new List<string>(Taps);
        copy.TapExclusions = new HashSet<string>(TapExclusions, StringComparer.Ordinal);
        return copy;
    }
}
