using System.Runtime.InteropServices;

namespace TrtSharp.Cuda;

/// <summary>
/// Base of the sealed SafeHandles that own CUDA resources. <see cref="SafeHandle.ReleaseHandle"/> frees the resource
/// only when the owning wrapper asked for it through <see cref="DisposeFromOwner"/>; when it runs because the handle
/// was finalized it only reports the leak to <see cref="CudaLeakTracker"/> (see there for why).
/// </summary>
/// <remarks>
/// Keeping the SafeHandle (rather than a bare pointer) still matters: its reference count lets a call in flight on
/// one thread finish before a concurrent <c>Dispose</c> frees the resource (the free runs on the last release).
/// </remarks>
internal abstract class CudaHandle : SafeHandle
{
    private volatile bool _ownerDisposing;

    protected CudaHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Name reported to the leak tracker.</summary>
    protected abstract string Kind { get; }

    /// <summary>Frees the resource through CUDA; called only on explicit disposal.</summary>
    protected abstract int Free(IntPtr value);

    /// <summary>Stores the pointer that a CUDA create call returned.</summary>
    internal void Set(IntPtr value) => SetHandle(value);

    /// <summary>Frees the resource now (or when the last in-flight call releases it).</summary>
    internal void DisposeFromOwner()
    {
        _ownerDisposing = true;
        Dispose();
    }

    /// <summary>Adds a reference for the duration of a native call; dispose the lease afterwards.</summary>
    internal HandleLease Lease() => new(this);

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        if (!_ownerDisposing)
        {
            CudaLeakTracker.Report(Kind);
            return true;
        }

        // A failure here (e.g. cudaErrorCudartUnloading at exit) has nowhere to go; the handle is gone either way.
        _ = Free(handle);
        return true;
    }
}

/// <summary>Holds a SafeHandle reference across a native call so a concurrent Dispose cannot free it mid-call.</summary>
internal ref struct HandleLease
{
    private readonly SafeHandle _handle;
    private bool _added;

    internal HandleLease(SafeHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added);
        Value = handle.DangerousGetHandle();
    }

    /// <summary>The raw pointer, valid until <see cref="Dispose"/>.</summary>
    public readonly IntPtr Value { get; }

    /// <summary>Releases the reference.</summary>
    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}

/// <summary>Owns device memory from <c>cudaMalloc</c>.</summary>
internal sealed class DeviceMemoryHandle : CudaHandle
{
    protected override string Kind => "DeviceBuffer";
    protected override int Free(IntPtr value) => CudaNative.cudaFree(value);
}

/// <summary>Owns page-locked host memory from <c>cudaMallocHost</c>.</summary>
internal sealed class PinnedMemoryHandle : CudaHandle
{
    protected override string Kind => "PinnedBuffer";
    protected override int Free(IntPtr value) => CudaNative.cudaFreeHost(value);
}

/// <summary>Owns a <c>cudaStream_t</c>.</summary>
internal sealed class CudaStreamHandle : CudaHandle
{
    protected override string Kind => "CudaStream";
    protected override int Free(IntPtr value) => CudaNative.cudaStreamDestroy(value);
}

/// <summary>Owns a <c>cudaEvent_t</c>.</summary>
internal sealed class CudaEventHandle : CudaHandle
{
    protected override string Kind => "CudaEvent";
    protected override int Free(IntPtr value) => CudaNative.cudaEventDestroy(value);
}

/// <summary>Owns a <c>cudaGraphExec_t</c>.</summary>
internal sealed class CudaGraphExecHandle : CudaHandle
{
    protected override string Kind => "CudaGraph";
    protected override int Free(IntPtr value) => CudaNative.cudaGraphExecDestroy(value);
}
