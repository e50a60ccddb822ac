namespace TrtSharp.OnnxRuntime;

/// <summary>Severity levels of ONNX Runtime's own log, numbered as ONNX Runtime numbers them.</summary>
public enum OnnxRuntimeLogSeverity
{
    /// <summary>Everything.</summary>
    Verbose = 0,
    /// <summary>Informational messages and above.</summary>
    Info = 1,
    /// <summary>Warnings and above.</summary>
    Warning = 2,
    /// <summary>Errors and above.</summary>
    Error = 3,
    /// <summary>Fatal errors only.</summary>
    Fatal = 4,
}
