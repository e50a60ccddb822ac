using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;

namespace TrtSharp.TensorRT;

/// <summary>Copies shim blobs (plans, timing caches, inspector JSON) into managed arrays.</summary>
internal static unsafe class ShimBlob
{
    /// <summary>Wraps the blob a call returned, copies it out and destroys it.</summary>
    public static byte[] Take(TrtsBlob* raw, TrtsStatus status, string operation)
    {
        using var blob = new BlobHandle();
        blob.Attach((nint)raw, null);
        NativeStatus.Check(status, operation);
        void* data;
        ulong size;
        using var lease = blob.Lease();
        NativeStatus.Check(TrtsNative.BlobGet(lease.Value, &data, &size), "trts_blob_get");
        return new ReadOnlySpan<byte>(data, checked((int)size)).ToArray();
    }
}
