using System.Runtime.InteropServices;
using System.Text;

namespace TrtSharp.TensorRT;

/// <summary>Keeps arrays handed to one shim call (UTF-8 names, value lists) pinned until disposed.</summary>
internal sealed unsafe class PinnedArgs : IDisposable
{
    private readonly List<GCHandle> _handles = [];

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>, pinned.</summary>
    public byte* Utf8(string text) => (byte*)Pin(Encoding.UTF8.GetBytes(text + "\0"));

    /// <summary>A pinned copy of <paramref name="values"/> (never null, even when empty).</summary>
    public long* Longs(long[] values) => (long*)Pin(values.Length == 0 ? new long[1] : (long[])values.Clone());

    private void* Pin(Array array)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        _handles.Add(handle);
        return (void*)handle.AddrOfPinnedObject();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var h in _handles)
        {
            h.Free();
        }
        _handles.Clear();
    }
}
