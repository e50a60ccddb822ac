using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Cuda;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;

namespace TrtSharp.TensorRT;

/// <summary>
/// Device memory for outputs whose shapes depend on the data (or on shape-tensor values): TensorRT asks for memory
/// through <c>reallocateOutputAsync</c> once it knows the size and reports the final shape through <c>notifyShape</c>.
/// Memory only grows, so a steady stream of same-sized results allocates nothing. The shim's callbacks reach this
/// object through a GCHandle passed as <c>user</c>; exceptions are recorded, never thrown into TensorRT.
/// </summary>
internal sealed unsafe class OutputAllocator : IDisposable
{
    private readonly Entry[] _entries;
    private readonly Func<ulong, IOutputMemory> _allocate;
    private GCHandle _self;

    /// <param name="outputNames">The outputs this allocator serves.</param>
    /// <param name="allocate">Allocates at least the given number of bytes (device memory; tests use host memory).</param>
    /// <param name="device">
    /// With the default device allocation: the CUDA device the context runs on, made current before memory grows (the
    /// callback runs on whichever thread enqueues).
    /// </param>
    public OutputAllocator(IEnumerable<string> outputNames, Func<ulong, IOutputMemory>? allocate = null, int? device = null)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        _entries = outputNames.Select(n => new Entry(n)).ToArray();
        _allocate = allocate ?? (bytes =>
        {
            if (device is int d)
            {
                CudaDevice.EnsureCurrent(d);
            }
            return new DeviceOutputMemory(bytes);
        });
        _self = GCHandle.Alloc(this);
    }

    /// <summary>Memory handed to TensorRT, at least this many bytes.</summary>
    public interface IOutputMemory : IDisposable
    {
        IntPtr Pointer { get; }

        ulong Bytes { get; }
    }

    /// <summary>The first exception a callback swallowed since <see cref="BeginRun"/>, if any.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The callbacks for <c>trts_context_set_output_allocator</c> / the shim's test hook.</summary>
    public TrtsOutputAllocatorDesc Describe()
    {
        ObjectDisposedException.ThrowIf(!_self.IsAllocated, this);
        TrtsOutputAllocatorDesc desc;
        NativeStatus.Check(TrtsNative.OutputAllocatorDescInit(&desc), "trts_output_allocator_desc_init");
        desc.User = (void*)GCHandle.ToIntPtr(_self);
        desc.Reallocate = &Reallocate;
        desc.NotifyShape = &NotifyShape;
        return desc;
    }

    /// <summary>Forgets the shapes of the previous run, so a run that reports none is detected.</summary>
    public void BeginRun()
    {
        Failure = null;
        foreach (var e in _entries)
        {
            e.Rank = -1;
        }
    }

    /// <summary>The memory TensorRT wrote <paramref name="name"/> into during the last run (0 before any).</summary>
    public IntPtr Pointer(string name) => Find(name).Memory?.Pointer ?? IntPtr.Zero;

    /// <summary>The shape TensorRT reported for <paramref name="name"/> in the last run, or false when it reported none.</summary>
    public bool TryGetShape(string name, out ReadOnlySpan<long> shape)
    {
        var e = Find(name);
        shape = e.Rank < 0 ? default : e.Shape.AsSpan(0, e.Rank);
        return e.Rank >= 0;
    }

    public void Dispose()
    {
        foreach (var e in _entries)
        {
            e.Memory?.Dispose();
            e.Memory = null;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    private Entry Find(string name) =>
        Array.Find(_entries, e => e.Name == name) ?? throw new Errors.TensorNotFoundException(name, _entries.Select(e => e.Name).ToArray());

    private Entry? Find(byte* utf8Name)
    {
        // Compared as UTF-8 bytes: no string is made per call, so steady-state runs stay allocation-free.
        var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(utf8Name);
        foreach (var e in _entries)
        {
            if (name.SequenceEqual(e.Utf8Name))
            {
                return e;
            }
        }
        return null;
    }

    private static OutputAllocator From(void* user) => (OutputAllocator)GCHandle.FromIntPtr((nint)user).Target!;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* Reallocate(void* user, byte* tensorName, void* currentMemory, ulong size, ulong alignment, void* stream)
    {
        try
        {
            var self = From(user);
            var e = self.Find(tensorName) ?? throw new InvalidOperationException(
                $"TensorRT asked for memory for '{Marshal.PtrToStringUTF8((nint)tensorName)}', which this allocator does not serve");
            ulong needed = Math.Max(size, 1);
            if (e.Memory is { } memory && memory.Bytes >= needed && (ulong)memory.Pointer % Math.Max(alignment, 1) == 0)
            {
                return (void*)memory.Pointer;
            }
            var grown = self._allocate(needed);
            if ((ulong)grown.Pointer % Math.Max(alignment, 1) != 0)
            {
                grown.Dispose();
                throw new InvalidOperationException($"output '{e.Name}': memory is not aligned to the {alignment} bytes TensorRT asks for");
            }
            // TensorRT never touches the old block once it has the new one.
            e.Memory?.Dispose();
            e.Memory = grown;
            return (void*)grown.Pointer;
        }
        catch (Exception ex)
        {
            TryRecord(user, ex);
            return null;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void NotifyShape(void* user, byte* tensorName, TrtsDims* dims)
    {
        try
        {
            var self = From(user);
            var e = self.Find(tensorName) ?? throw new InvalidOperationException(
                $"TensorRT reported a shape for '{Marshal.PtrToStringUTF8((nint)tensorName)}', which this allocator does not serve");
            int rank = dims->NbDims;
            if (rank < 0 || rank > TrtsNative.MaxDims)
            {
                throw new InvalidOperationException($"output '{e.Name}': TensorRT reported rank {rank}");
            }
            for (int i = 0; i < rank; i++)
            {
                e.Shape[i] = dims->D[i];
            }
            e.Rank = rank;
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
            var self = From(user);
            self.Failure ??= ex;
        }
        catch (Exception)
        {
            // The handle is gone; nothing left to record into.
        }
    }

    private sealed class Entry(string name)
    {
        public string Name { get; } = name;

        public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(name);

        public long[] Shape { get; } = new long[TrtsNative.MaxDims];

        public int Rank { get; set; } = -1;

        public IOutputMemory? Memory { get; set; }
    }

    private sealed class DeviceOutputMemory(ulong bytes) : IOutputMemory
    {
        private readonly DeviceBuffer<byte> _buffer = new(checked((long)bytes));

        public IntPtr Pointer => _buffer.Pointer;

        public ulong Bytes => (ulong)_buffer.ByteLength;

        public void Dispose() => _buffer.Dispose();
    }
}
