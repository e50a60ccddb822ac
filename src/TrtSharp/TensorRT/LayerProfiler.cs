using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace TrtSharp.TensorRT;

/// <summary>
/// Receives TensorRT's per-layer times (IProfiler) for a context: after each enqueue, one report per layer.
/// The shim calls a static trampoline that finds this object through a GCHandle; an exception thrown by
/// <see cref="Report"/> never reaches native code (it is counted in <see cref="CallbackErrors"/>).
/// </summary>
public sealed class LayerProfiler : IDisposable
{
    private readonly Action<string, float> _report;
    private GCHandle _self;

    /// <summary>Creates a profiler that calls <paramref name="report"/> with each layer's name and time in ms.</summary>
    public LayerProfiler(Action<string, float> report)
    {
        _report = report ?? throw new ArgumentNullException(nameof(report));
        _self = GCHandle.Alloc(this);
    }

    /// <summary>Exceptions thrown by the report callback, swallowed so they never cross into TensorRT.</summary>
    public int CallbackErrors { get; private set; }

    internal IntPtr UserPointer
    {
        get
        {
            // After Dispose the pointer would name a freed GCHandle: attaching it must fail here, not in a callback.
            ObjectDisposedException.ThrowIf(!_self.IsAllocated, this);
            return GCHandle.ToIntPtr(_self);
        }
    }

    internal static unsafe delegate* unmanaged[Cdecl]<void*, byte*, float, void> Trampoline => &OnLayerTime;

    private void Report(string layer, float milliseconds) => _report(layer, milliseconds);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnLayerTime(void* user, byte* layerName, float milliseconds)
    {
        try
        {
            if (GCHandle.FromIntPtr((IntPtr)user).Target is LayerProfiler profiler)
            {
                try
                {
                    profiler.Report(layerName is null ? string.Empty : Marshal.PtrToStringUTF8((IntPtr)layerName) ?? string.Empty, milliseconds);
                }
                catch (Exception)
                {
                    profiler.CallbackErrors++;
                }
            }
        }
        catch (Exception)
        {
            // A stale or foreign user pointer: nothing to report to, and nothing may escape into native code.
        }
    }

    /// <summary>Releases the handle that lets native code find this object (detach it from the context first).</summary>
    public void Dispose()
    {
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }
}
