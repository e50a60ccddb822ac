using System.Runtime.InteropServices;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Interop.Handles;

/// <summary>
/// Base of the shim's SafeHandles. A child keeps its parent's SafeHandle ref-counted (DangerousAddRef) until the
/// child itself is released, so managed disposal order can never destroy a parent first (the shim also keeps
/// parents alive internally; this keeps the managed side honest as well).
/// </summary>
internal abstract class ShimHandle : SafeHandle
{
    private static long s_leaks;
    private SafeHandle? _parent;
    private volatile bool _disposedByOwner;

    /// <summary>
    /// Handles the garbage collector found undisposed. Their native objects are deliberately leaked: destroying a
    /// TensorRT context or engine frees CUDA memory, and a finalizer must never call into CUDA (docs/design.md).
    /// </summary>
    internal static long LeakCount => Interlocked.Read(ref s_leaks);

    /// <summary>Creates an empty (invalid) handle; allocated before the create call so <see cref="Attach"/> cannot fail.</summary>
    protected ShimHandle() : base(0, ownsHandle: true) { }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Takes ownership of <paramref name="value"/> (the create call's out-parameter, 0 after a failure) and, when it
    /// is set, keeps <paramref name="parent"/> alive until this handle is released.
    /// </summary>
    internal void Attach(nint value, SafeHandle? parent)
    {
        if (value == 0)
        {
            return;
        }
        // Own the value first: should the parent be disposed already, the value is still destroyed on release.
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
                // The caller never sees this handle: destroy the value now rather than leave it to the finalizer,
                // which only counts it (a leak the test suite's leak check found).
                Dispose();
                throw;
            }
            _parent = added ? parent : null;
        }
    }

    /// <summary>Destroys the native object; returns the shim's status.</summary>
    protected abstract TrtsStatus Destroy(nint value);

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
            // Finalizer thread: report, never destroy (nor release the parent, whose release could destroy it here).
            Interlocked.Increment(ref s_leaks);
            handle = 0;
            return true;
        }
        var status = Destroy(handle);
        handle = 0;
        var parent = Interlocked.Exchange(ref _parent, null);
        parent?.DangerousRelease();
        return status == TrtsStatus.Ok;
    }
}
