namespace TrtSharp.Interop.Handles;

/// <summary>Holds a <see cref="NativeHandle"/> reference across a native call so a concurrent Dispose cannot free it mid-call.</summary>
internal ref struct HandleLease
{
    private readonly NativeHandle _handle;
    private bool _added;

    internal HandleLease(NativeHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.AddLeaseReference(ref _added);
        Value = handle.DangerousGetHandle();
    }

    /// <summary>The raw pointer, valid until <see cref="Dispose"/>.</summary>
    public readonly nint Value { get; }

    /// <summary>Releases the reference (the last release after a Dispose frees the object).</summary>
    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}

/// <summary>A <see cref="HandleLease"/> typed as the shim's opaque handle pointer.</summary>
/// <typeparam name="T">The generated opaque struct (e.g. <c>TrtsEngine</c>).</typeparam>
internal unsafe ref struct HandleLease<T> where T : unmanaged
{
    private HandleLease _lease;

    internal HandleLease(NativeHandle handle) => _lease = new HandleLease(handle);

    /// <summary>The raw pointer, valid until <see cref="Dispose"/>.</summary>
    public readonly T* Value => (T*)_lease.Value;

    /// <summary>Releases the reference.</summary>
    public void Dispose() => _lease.Dispose();
}
