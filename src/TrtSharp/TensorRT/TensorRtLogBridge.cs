using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;

namespace TrtSharp.TensorRT;

/// <summary>Routes the shim's log callback (TensorRT's ILogger) to a <see cref="ILogger"/>.</summary>
internal static unsafe class TensorRtLogBridge
{
    private static readonly EventId Event = new(1, "TensorRt");

    private static readonly Lock Gate = new();
    private static volatile ILogger? current;

    /// <summary>Installs <paramref name="logger"/> (null removes it); messages below <paramref name="minLevel"/> are dropped in the shim.</summary>
    public static void Install(ILogger? logger, LogLevel minLevel)
    {
        lock (Gate)
        {
            current = logger;
            NativeStatus.Check(
                logger is null
                    ? TrtsNative.SetLogger(null, null, TrtsSeverity.InternalError)
                    : TrtsNative.SetLogger(&OnLog, null, ToSeverity(minLevel)),
                "trts_set_logger");
        }
    }

    /// <summary>Logs TrtSharp's own warning about TensorRT use (e.g. a fallback taken) to the installed logger, if any.</summary>
    public static void Warn(string message)
    {
        var logger = current;
        if (logger is not null && logger.IsEnabled(LogLevel.Warning))
        {
            logger.Log(LogLevel.Warning, Event, message, null, static (s, _) => "TrtSharp: " + s);
        }
    }

    /// <summary>Maps a TensorRT severity to a log level.</summary>
    public static LogLevel ToLevel(TrtsSeverity severity) => severity switch
    {
        TrtsSeverity.InternalError => LogLevel.Critical,
        TrtsSeverity.Error => LogLevel.Error,
        TrtsSeverity.Warning => LogLevel.Warning,
        TrtsSeverity.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    private static TrtsSeverity ToSeverity(LogLevel level) => level switch
    {
        LogLevel.Critical => TrtsSeverity.InternalError,
        LogLevel.Error => TrtsSeverity.Error,
        LogLevel.Warning => TrtsSeverity.Warning,
        LogLevel.Information => TrtsSeverity.Info,
        _ => TrtsSeverity.Verbose,
    };

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(void* user, TrtsSeverity severity, byte* message)
    {
        // Called from TensorRT's threads: an exception must never unwind into native code.
        try
        {
            var logger = current;
            if (logger is null)
            {
                return;
            }
            var level = ToLevel(severity);
            if (logger.IsEnabled(level))
            {
                string text = Marshal.PtrToStringUTF8((nint)message) ?? string.Empty;
                logger.Log(level, Event, text, null, static (s, _) => "TensorRT: " + s);
            }
        }
        catch (Exception)
        {
            // Swallowed on purpose: a logging failure must not crash TensorRT.
        }
    }
}
