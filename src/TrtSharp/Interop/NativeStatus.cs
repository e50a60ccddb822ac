using System.Runtime.InteropServices;
using TrtSharp.Errors;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop;

/// <summary>
/// The one place where a shim status becomes an exception carrying the shim's thread-local message. The table:
/// <list type="table">
/// <item><term>TRTS_E_PARSE</term><description><see cref="TensorRtParseException"/> with the parser's errors (needs the model path)</description></item>
/// <item><term>TRTS_E_UNSUPPORTED</term><description><see cref="TensorRtUnsupportedException"/></description></item>
/// <item><term>TRTS_E_UNAVAILABLE</term><description><see cref="BackendUnavailableException"/></description></item>
/// <item><term>TRTS_E_CUDA</term><description><see cref="CudaException"/></description></item>
/// <item><term>TRTS_E_OUT_OF_MEMORY</term><description><see cref="TensorRtOutOfMemoryException"/></description></item>
/// <item><term>TRTS_E_INVALID_ARGUMENT</term><description><see cref="TensorShapeException"/> for a call that sets a tensor's shape (the shape is outside the profile), else <see cref="ArgumentException"/></description></item>
/// <item><term>any other</term><description><see cref="TensorRtException"/> with its <see cref="TensorRtStatus"/></description></item>
/// </list>
/// Callers never compare a status to pick an exception themselves; they may compare one for control flow (a
/// buffer-size query, a retry).
/// </summary>
internal static unsafe class NativeStatus
{
    /// <summary>Throws for any status other than <see cref="TrtsStatus.Ok"/>; <paramref name="operation"/> names the call.</summary>
    /// <param name="status">What the shim returned.</param>
    /// <param name="operation">What was being done, e.g. <c>binding 'input'</c>.</param>
    /// <param name="modelPath">The ONNX model of a parse, so a parse failure names it and lists the parser's errors.</param>
    /// <param name="remedy">What the user can do instead, appended to the message.</param>
    /// <param name="shapeOf">The tensor whose shape the call sets: an invalid argument is then that shape.</param>
    public static void Check(TrtsStatus status, string operation, string? modelPath = null, string? remedy = null, string? shapeOf = null)
    {
        if (status != TrtsStatus.Ok)
        {
            throw ToException(status, operation, modelPath, remedy, shapeOf);
        }
    }

    /// <summary>Reads the calling thread's last error message from the shim (empty when none).</summary>
    public static string LastErrorMessage()
    {
        return Marshal.PtrToStringUTF8((nint)TrtsNative.LastErrorMessage()) ?? string.Empty;
    }

    /// <summary>The exception for a failed status; read on the failing thread, before any other shim call.</summary>
    public static Exception ToException(TrtsStatus status, string operation, string? modelPath = null, string? remedy = null, string? shapeOf = null)
    {
        if (status == TrtsStatus.EParse && modelPath is not null)
        {
            return new TensorRtParseException(modelPath, ParserErrors.ReadLast());
        }
        var detail = LastErrorMessage();
        var name = Marshal.PtrToStringUTF8((nint)TrtsNative.StatusName(status)) ?? status.ToString();
        var message = $"{operation} failed ({name}): {(detail.Length == 0 ? "no detail reported" : detail)}" +
            (remedy is null ? "" : $"; {remedy}");
        return status switch
        {
            TrtsStatus.EUnavailable => new BackendUnavailableException(message),
            TrtsStatus.EUnsupported => new TensorRtUnsupportedException(message),
            TrtsStatus.ECuda => new CudaException(operation, (detail.Length == 0 ? "no detail reported" : detail) + (remedy is null ? "" : $"; {remedy}")),
            TrtsStatus.EOutOfMemory => new TensorRtOutOfMemoryException(message),
            TrtsStatus.EInvalidArgument when shapeOf is not null => new TensorShapeException(shapeOf, message),
            TrtsStatus.EInvalidArgument => new ArgumentException(message),
            _ => new TensorRtException(PublicStatus(status), message),
        };
    }

    /// <summary>The public status of a shim status (same values; an unknown value from a newer shim is Internal).</summary>
    public static TensorRtStatus PublicStatus(TrtsStatus status) =>
        Enum.IsDefined((TensorRtStatus)(int)status) ? (TensorRtStatus)(int)status : TensorRtStatus.Internal;
}
