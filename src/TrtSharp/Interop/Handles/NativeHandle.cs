using System.Runtime.InteropServices;
using TrtSharp.Diagnostics;

namespace TrtSharp.Interop.Handles;

/// <summary>
/// The one base of every SafeHandle that owns a native object: shim handles (generated per handle type from
/// trtsharp.h) and CUDA resources. Three rules hold for all of them (docs/design.md, "Native handles"):
/// <list type="bullet">
/// <item>Only an explicit <c>Dispose</c> frees the object. A handle the garbage collector finds is reported to
/// <see cref="NativeLeakTracker"/> and leaked on purpose: a finalizer must never call into TensorRT or CUDA.</item>
/// <item>Every native call holds a <see cref="Lease"/>: the SafeHandle reference count defers the free of a handle
/// disposed on another thread until the call returns, and a lease taken after disposal throws
/// <see cref="ObjectDisposedException"/>.</item>
/// <item>A child keeps its parent's handle referenced until the child itself is freed, so managed disposal order can
/// never destroy a parent first (the shim keeps parents alive internally as well).</item>
/// </list>
/// </summary>
internal abstract class NativeHandle : SafeHandle
{
    private SafeHandle? _parent;
    private volatile bool _disposedByOwner;

    /// <summary>Creates an empty (invalid) handle; allocated before the create call so <see cref="Attach"/> cannot fail.</summary>
    protected NativeHandle() : base(0, ownsHandle: true) { }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Whether the owner disposed the handle. Unlike <see cref="SafeHandle.IsClosed"/> it is true from the moment
    /// <c>Dispose</c> is called, even while a call in flight on another thread still holds a lease.
    /// </summary>
    internal bool IsDisposed => _disposedByOwner || IsClosed;

    /// <summary>What the handle owns, for leak reports and <see cref="ObjectDisposedException"/> (e.g. <c>trts_engine</c>).</summary>
    protected abstract string Kind { get; }

    /// <summary>Frees the native object; called only after an explicit dispose, once no lease holds it.</summary>
    /// <returns>Whether the native free reported success.</returns>
    protected abstract bool Free(nint value);

    /// <summary>
    /// Takes ownership of <paramref name="value"/> (the create call's out-parameter, 0 after a failure) and, when it
    /// is set, keeps <paramref name="parent"/> alive until this handle is freed.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The parent was disposed already (the value is freed first).</exception>
    internal void Attach(nint value, SafeHandle? parent = null)
    {
        if (value == 0)
        {
            return;
        }
        // Own the value first: should the parent be disposed already, the value is still freed on release.
        SetHandle(value);
        if (parent is not null)
        {
            bool added = false;
            try
            {
                parent.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                // The caller never sees this handle: free the value now rather than leave it to the finalizer.
                Dispose();
                throw;
            }
            _parent = added ? parent : null;
        }
    }

    /// <summary>Holds this handle alive for one native call (dispose the lease when the call returns).</summary>
    /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
    internal HandleLease Lease() => new(this);

    /// <summary>Adds the reference a lease holds; throws <see cref="ObjectDisposedException"/> naming the kind.</summary>
    internal void AddLeaseReference(ref bool added)
    {
#pragma warning disable CA1513 // ThrowIf would name the SafeHandle class; the message should name what it owned.
        // IsClosed alone is not enough: while another call holds a lease, a disposed SafeHandle is not closed yet.
        if (IsDisposed)
        {
            throw new ObjectDisposedException(Kind);
        }
        // DangerousAddRef throws only once the handle is closed; while another lease holds a disposed handle it still
        // succeeds, so the flag is read again after taking the reference.
        DangerousAddRef(ref added);
        if (IsDisposed)
        {
            DangerousRelease();
            added = false;
            throw new ObjectDisposedException(Kind);
        }
#pragma warning restore CA1513
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposedByOwner = true;
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected sealed override bool ReleaseHandle()
    {
        if (!_disposedByOwner)
        {
            // Finalizer thread: report, never free (nor release the parent, whose release could free it here).
            NativeLeakTracker.Report(Kind);
            handle = 0;
            return true;
        }
        bool ok = Free(handle);
        handle = 0;
        var parent = Interlocked.Exchange(ref _parent, null);
        parent?.DangerousRelease();
        return ok;
    }
}
