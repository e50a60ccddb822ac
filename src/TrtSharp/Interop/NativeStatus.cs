using System.Runtime.InteropServices;
using TrtSharp.Errors;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop;

/// <summary>The one place where a shim status becomes an exception carrying the shim's thread-local message.</summary>
internal static unsafe class NativeStatus
{
    /// <summary>Throws for any status other than <see cref="TrtsStatus.Ok"/>; <paramref name="operation"/> names the call.</summary>
    public static void Check(TrtsStatus status, string operation)
    {
        if (status != TrtsStatus.Ok)
        {
            throw ToException(status, operation);
        }
    }

    /// <summary>Reads the calling thread's last error message from the shim (empty when none).</summary>
    public static string LastErrorMessage()
    {
        return Marshal.PtrToStringUTF8((nint)TrtsNative.LastErrorMessage()) ?? string.Empty;
    }

    /// <summary>The exception for a failed status; read on the failing thread, before any other shim call.</summary>
    public static TrtSharpException ToException(TrtsStatus status, string operation)
    {
        var detail = LastErrorMessage();
        var name = Marshal.PtrToStringUTF8((nint)TrtsNative.StatusName(status)) ?? status.ToString();
        var message = $"{operation} failed ({name}): {(detail.Length == 0 ? "no detail reported" : detail)}";
        return status switch
        {
            TrtsStatus.EUnavailable => new BackendUnavailableException(message),
            _ => new NativeCallException(status, message),
        };
    }
}
