using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;

namespace TrtSharp.TensorRT;

/// <summary>
/// TensorRT 10's legacy INT8 calibrator: the shim's callbacks reach an <see cref="ICalibrationBatchSource"/> through
/// a GCHandle passed as <c>user</c>. Exceptions from the source end calibration instead of unwinding into TensorRT.
/// </summary>
internal sealed unsafe class LegacyCalibrator : IDisposable
{
    private readonly ICalibrationBatchSource _source;
    private GCHandle _self;
    private GCHandle _pinnedCache;
    private IntPtr[] _pointers = [];

    public LegacyCalibrator(ICalibrationBatchSource source, bool minMax = false)
    {
        _source = source;
        _self = GCHandle.Alloc(this);
        TrtsCalibratorDesc desc;
        NativeStatus.Check(TrtsNative.CalibratorDescInit(&desc), "trts_calibrator_desc_init");
        desc.Algorithm = minMax ? TrtsCalibrationAlgorithm.Minmax : TrtsCalibrationAlgorithm.Entropy2;
        desc.BatchSize = 1;
        desc.User = (void*)GCHandle.ToIntPtr(_self);
        desc.GetBatch = &GetBatch;
        desc.ReadCache = &ReadCache;
        desc.WriteCache = &WriteCache;
        Handle = new CalibratorHandle();
        TrtsCalibrator* raw = null;
        var status = TrtsNative.CalibratorCreate(&desc, &raw);
        Handle.Attach((nint)raw, null);
        if (status != TrtsStatus.Ok)
        {
            _self.Free();
            NativeStatus.Check(status, "trts_calibrator_create");
        }
    }

    /// <summary>The native calibrator.</summary>
    public CalibratorHandle Handle { get; }

    /// <summary>The last exception a callback swallowed, if any.</summary>
    public Exception? Failure { get; private set; }

    public void Dispose()
    {
        Handle.Dispose();
        if (_self.IsAllocated)
        {
            _self.Free();
        }
        if (_pinnedCache.IsAllocated)
        {
            _pinnedCache.Free();
        }
    }

    private static LegacyCalibrator From(void* user) => (LegacyCalibrator)GCHandle.FromIntPtr((nint)user).Target!;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetBatch(void* user, byte** names, void** bindings, int count)
    {
        try
        {
            var self = From(user);
            var list = new string[count];
            for (int i = 0; i < count; i++)
            {
                list[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
            }
            if (self._pointers.Length != count)
            {
                self._pointers = new IntPtr[count];
            }
            if (!self._source.TryGetBatch(list, self._pointers))
            {
                return 0;
            }
            for (int i = 0; i < count; i++)
            {
                bindings[i] = (void*)self._pointers[i];
            }
            return 1;
        }
        catch (Exception ex)
        {
            TryRecord(user, ex);
            return 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadCache(void* user, void** data, ulong* size)
    {
        try
        {
            var self = From(user);
            byte[]? cache = self._source.ReadCache();
            if (cache is null || cache.Length == 0)
            {
                return 0;
            }
            // The pointer must stay valid until the calibrator is destroyed: pin it for that long.
            if (self._pinnedCache.IsAllocated)
            {
                self._pinnedCache.Free();
            }
            self._pinnedCache = GCHandle.Alloc(cache, GCHandleType.Pinned);
            *data = (void*)self._pinnedCache.AddrOfPinnedObject();
            *size = (ulong)cache.Length;
            return 1;
        }
        catch (Exception ex)
        {
            TryRecord(user, ex);
            return 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void WriteCache(void* user, void* data, ulong size)
    {
        try
        {
            From(user)._source.WriteCache(new ReadOnlySpan<byte>(data, checked((int)size)));
        }
        catch (Exception ex)
        {
            TryRecord(user, ex);
        }
    }

    private static void TryRecord(void* user, Exception ex)
    {
        try
        {
            From(user).Failure = ex;
        }
        catch (Exception)
        {
            // The handle is gone; nothing left to record into.
        }
    }
}
