using TrtSharp.Errors;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop;

/// <summary>A shim call failed; <see cref="Status"/> is the shim's status code.</summary>
internal sealed class NativeCallException : TrtSharpException
{
    /// <summary>Creates the exception for <paramref name="status"/>.</summary>
    public NativeCallException(TrtsStatus status, string message) : base(message) => Status = status;

    /// <summary>The status the shim returned.</summary>
    public TrtsStatus Status { get; }
}
