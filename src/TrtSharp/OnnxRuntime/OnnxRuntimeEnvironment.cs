using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// The process-wide ONNX Runtime environment, which owns the global thread pool that sessions with
/// <see cref="OnnxRuntimeOptions.UseGlobalThreadPool"/> share. ONNX Runtime allows one environment per
/// process, so the pool is fixed when the first session is created; call <see cref="ConfigureGlobalThreadPool"/> before that.
/// </summary>
public static class OnnxRuntimeEnvironment
{
    private static readonly Lock Gate = new();
    private static int _intraOpThreads;
    private static int _interOpThreads = 1;
    private static bool _allowSpinning;
    private static bool _createdHere;
    private static bool _created;

    /// <summary>Intra-op threads of the global pool (0 = one per core).</summary>
    public static int GlobalIntraOpThreads => _intraOpThreads;

    /// <summary>Inter-op threads of the global pool.</summary>
    public static int GlobalInterOpThreads => _interOpThreads;

    /// <summary>Whether the global pool's idle threads spin.</summary>
    public static bool GlobalAllowSpinning => _allowSpinning;

    /// <summary>
    /// Sets the global thread pool. Spinning is off by default: with several sessions on few cores,
    /// spinning threads steal the cores the work needs.
    /// </summary>
    /// <exception cref="InvalidOperationException">The environment exists already with other settings.</exception>
    public static void ConfigureGlobalThreadPool(int intraOpThreads = 0, int interOpThreads = 1, bool allowSpinning = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(interOpThreads);
        lock (Gate)
        {
            if (_created)
            {
                if (intraOpThreads == _intraOpThreads && interOpThreads == _interOpThreads && allowSpinning == _allowSpinning)
                {
                    return;
                }
                throw new InvalidOperationException(
                    "the ONNX Runtime environment already exists; configure the global thread pool before creating the first session");
            }
            _intraOpThreads = intraOpThreads;
            _interOpThreads = interOpThreads;
            _allowSpinning = allowSpinning;
        }
    }

    /// <summary>Creates the environment with the global thread pool if nobody has yet, and returns it.</summary>
    internal static OrtEnv Ensure()
    {
        lock (Gate)
        {
            if (!_created)
            {
                _created = true;
                if (OrtEnv.IsCreated)
                {
                    // Someone used ONNX Runtime directly first: sessions still work, the global pool does not exist.
                    _createdHere = false;
                }
                else
                {
                    using var threading = new OrtThreadingOptions
                    {
                        GlobalIntraOpNumThreads = _intraOpThreads,
                        GlobalInterOpNumThreads = _interOpThreads,
                        GlobalSpinControl = _allowSpinning,
                    };
                    var creation = new EnvironmentCreationOptions
                    {
                        logId = "TrtSharp",
                        logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                        threadOptions = threading,
                    };
                    OrtEnv.CreateInstanceWithOptions(ref creation);
                    _createdHere = true;
                }
            }
            return OrtEnv.Instance();
        }
    }

    /// <summary>Throws when the global pool was asked for but the environment was created without one.</summary>
    internal static void RequireGlobalThreadPool()
    {
        Ensure();
        if (!_createdHere)
        {
            throw new BackendUnavailableException(
                "UseGlobalThreadPool needs the ONNX Runtime environment to be created by TrtSharp, but ONNX Runtime was used directly before the first TrtSharp session");
        }
    }
}
