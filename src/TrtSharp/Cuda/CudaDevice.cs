using TrtSharp.Errors;
using System.Runtime.InteropServices;
using System.Text;

namespace TrtSharp.Cuda;

/// <summary>
/// A CUDA device and its fixed properties, read once when the object is created.
/// </summary>
/// <remarks>
/// Properties are read with <c>cudaDeviceGetAttribute</c>, whose numbering is stable across CUDA versions, rather
/// than from <c>cudaDeviceProp</c>, whose layout changed between 11, 12 and 13. Only the name comes from
/// <c>cudaGetDeviceProperties</c>: it is the struct's first field (<c>char name[256]</c>) in every version, and the
/// call writes into a buffer far larger than any version's struct. Immutable and thread-safe, except that
/// <see cref="SetCurrent"/> and <see cref="GetMemoryInfo"/> act on the calling thread's current device.
/// </remarks>
public sealed class CudaDevice
{
    // Larger than sizeof(cudaDeviceProp) in every CUDA release so far (about 1 KiB).
    private const int PropertiesBufferBytes = 8192;
    private const int NameBytes = 256;

    private CudaDevice(int index, string name, Version computeCapability, int multiprocessorCount, string pciBusId)
    {
        Index = index;
        Name = name;
        ComputeCapability = computeCapability;
        MultiprocessorCount = multiprocessorCount;
        PciBusId = pciBusId;
    }

    /// <summary>The device ordinal as CUDA numbers it (after <c>CUDA_VISIBLE_DEVICES</c>).</summary>
    public int Index { get; }

    /// <summary>The marketing name, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string Name { get; }

    /// <summary>The compute capability, e.g. 9.0 for Hopper.</summary>
    public Version ComputeCapability { get; }

    /// <summary>The number of streaming multiprocessors.</summary>
    public int MultiprocessorCount { get; }

    /// <summary>The PCI location, <c>domain:bus:device.function</c>.</summary>
    public string PciBusId { get; }

    /// <summary>Total device memory in bytes (creates the device's primary context on first use).</summary>
    public long TotalMemoryBytes => GetMemoryInfo().TotalBytes;

    /// <summary>Reads device <paramref name="index"/>.</summary>
    /// <exception cref="CudaUnavailableException">CUDA is missing or has no device.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="CudaRuntime.DeviceCount"/>.</exception>
    public static CudaDevice Get(int index)
    {
        int count = CudaRuntime.DeviceCount;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"device {index} does not exist; CUDA reports {count} device(s)");

        int major = Attribute(CudaNative.cudaDevAttrComputeCapabilityMajor, index);
        int minor = Attribute(CudaNative.cudaDevAttrComputeCapabilityMinor, index);
        int sms = Attribute(CudaNative.cudaDevAttrMultiProcessorCount, index);
        return new CudaDevice(index, ReadName(index), new Version(major, minor), sms, ReadPciBusId(index));
    }

    /// <summary>Every visible device.</summary>
    /// <exception cref="CudaUnavailableException">CUDA is missing or has no device.</exception>
    public static IReadOnlyList<CudaDevice> GetAll()
    {
        int count = CudaRuntime.DeviceCount;
        var devices = new CudaDevice[count];
        for (int i = 0; i < count; i++)
            devices[i] = Get(i);
        return devices;
    }

    /// <summary>The calling thread's current device.</summary>
    /// <exception cref="CudaUnavailableException">CUDA is missing or has no device.</exception>
    public static CudaDevice Current
    {
        get
        {
            CudaRuntime.EnsureAvailable();
            CudaCheck.Check(CudaNative.cudaGetDevice(out int index), "cudaGetDevice");
            return Get(index);
        }
    }

    /// <summary>Makes this the calling thread's current device (<c>cudaSetDevice</c>); later allocations and streams on this thread use it.</summary>
    public void SetCurrent() => CudaCheck.Check(CudaNative.cudaSetDevice(Index), "cudaSetDevice");

    /// <summary>
    /// Makes device <paramref name="index"/> the calling thread's current one unless it already is (objects created on
    /// one device — contexts, streams, buffers — must be used with that device current).
    /// </summary>
    internal static void EnsureCurrent(int index)
    {
        CudaCheck.Check(CudaNative.cudaGetDevice(out int current), "cudaGetDevice");
        if (current != index)
            CudaCheck.Check(CudaNative.cudaSetDevice(index), "cudaSetDevice");
    }

    /// <summary>Free and total memory of this device right now (<c>cudaMemGetInfo</c>).</summary>
    /// <remarks>Briefly switches the calling thread's current device to this one and back.</remarks>
    public CudaMemoryInfo GetMemoryInfo()
    {
        CudaCheck.Check(CudaNative.cudaGetDevice(out int previous), "cudaGetDevice");
        bool switched = previous != Index;
        if (switched)
            SetCurrent();
        try
        {
            CudaCheck.Check(CudaNative.cudaMemGetInfo(out nuint free, out nuint total), "cudaMemGetInfo");
            return new CudaMemoryInfo((long)free, (long)total);
        }
        finally
        {
            if (switched)
                _ = CudaNative.cudaSetDevice(previous);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"CUDA device {Index}: {Name} (compute {ComputeCapability}, {MultiprocessorCount} SMs, {PciBusId})";

    private static int Attribute(int attribute, int device)
    {
        CudaCheck.Check(CudaNative.cudaDeviceGetAttribute(out int value, attribute, device), "cudaDeviceGetAttribute");
        return value;
    }

    private static unsafe string ReadName(int device)
    {
        IntPtr library = CudaLibrary.EnsureLoaded();
        // CUDA 12+ headers map cudaGetDeviceProperties to the _v2 export; older runtimes only have the plain one.
        if (!NativeLibrary.TryGetExport(library, "cudaGetDeviceProperties_v2", out IntPtr function)
            && !NativeLibrary.TryGetExport(library, "cudaGetDeviceProperties", out function))
            return $"CUDA device {device}";

        byte* buffer = (byte*)NativeMemory.AllocZeroed(PropertiesBufferBytes);
        try
        {
            var getProperties = (delegate* unmanaged<byte*, int, int>)function;
            CudaCheck.Check(getProperties(buffer, device), "cudaGetDeviceProperties");
            var name = new ReadOnlySpan<byte>(buffer, NameBytes);
            int end = name.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    private static unsafe string ReadPciBusId(int device)
    {
        // "dddd:bb:dd.f" plus terminator fits in 13 bytes; 64 leaves room for any future format.
        byte* buffer = stackalloc byte[64];
        CudaCheck.Check(CudaNative.cudaDeviceGetPCIBusId(buffer, 64, device), "cudaDeviceGetPCIBusId");
        var id = new ReadOnlySpan<byte>(buffer, 64);
        int end = id.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? id : id[..end]);
    }
}
