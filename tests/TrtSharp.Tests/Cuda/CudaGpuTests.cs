using System.Text.RegularExpressions;
using TrtSharp.Cuda;
using TrtSharp.Errors;

namespace TrtSharp.Tests.Cuda;

/// <summary>Tests that need a CUDA device; ignored with the runtime's reason when there is none.</summary>
[TestFixture]
[Category("Gpu")]
public partial class CudaGpuTests
{
    private long _leaksBefore;

    [SetUp]
    public void NeedDevice()
    {
        CudaTestEnvironment.RequireDevice();
        _leaksBefore = TrtSharp.Diagnostics.NativeLeakTracker.Count;
    }

    [TearDown]
    public void NothingLeaked()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
            return;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(TrtSharp.Diagnostics.NativeLeakTracker.Count, Is.EqualTo(_leaksBefore), "a CUDA object was finalized without Dispose");
    }

    private static float[] RandomFloats(int count, int seed)
    {
        var random = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }

    [GeneratedRegex(@"^[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9a-fA-F]$")]
    private static partial Regex PciId();

    [Test]
    public void DevicePropertiesArePlausible()
    {
        int count = CudaRuntime.DeviceCount;
        Assert.That(count, Is.GreaterThanOrEqualTo(1));
        IReadOnlyList<CudaDevice> all = CudaDevice.GetAll();
        Assert.That(all, Has.Count.EqualTo(count));

        CudaDevice device = all[0];
        device.SetCurrent();
        CudaMemoryInfo memory = device.GetMemoryInfo();
        Assert.Multiple(() =>
        {
            Assert.That(device.Index, Is.EqualTo(0));
            Assert.That(device.Name, Is.Not.Empty.And.Not.StartWith("CUDA device"));
            Assert.That(device.ComputeCapability.Major, Is.InRange(3, 20));
            Assert.That(device.MultiprocessorCount, Is.GreaterThan(0));
            Assert.That(device.PciBusId, Does.Match(PciId()));
            Assert.That(memory.TotalBytes, Is.GreaterThan(256L << 20));
            Assert.That(memory.FreeBytes, Is.InRange(1L, memory.TotalBytes));
            Assert.That(device.TotalMemoryBytes, Is.EqualTo(memory.TotalBytes));
            Assert.That(CudaDevice.Current.Index, Is.EqualTo(0));
            Assert.That(CudaRuntime.DriverVersion, Is.Not.Null);
            Assert.That(CudaRuntime.DriverVersion, Is.GreaterThanOrEqualTo(new Version(CudaRuntime.RuntimeVersion.Major, 0)));
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaDevice.Get(count));
    }

    [Test]
    public void HostDeviceRoundTripIsExact()
    {
        float[] data = RandomFloats(1 << 20, seed: 1);
        using var stream = new CudaStream();
        using var buffer = new DeviceBuffer<float>(data.Length);
        Assert.That(buffer.ByteLength, Is.EqualTo(4L << 20));
        Assert.That(buffer.Pointer, Is.Not.EqualTo(IntPtr.Zero));

        buffer.CopyFromHost(data, stream);
        float[] back = buffer.ToArray(stream);

        Assert.That(back, Is.EqualTo(data));
    }

    [Test]
    public void PartialCopiesUseThePrefixAndOversizeIsRefused()
    {
        using var stream = new CudaStream();
        using var buffer = new DeviceBuffer<int>(8);
        buffer.Memset(0, stream);
        buffer.CopyFromHost(new[] { 5, 6, 7 }, stream);
        var back = new int[8];
        buffer.CopyToHost(back, stream);
        Assert.That(back, Is.EqualTo(new[] { 5, 6, 7, 0, 0, 0, 0, 0 }));

        var prefix = new int[2];
        buffer.CopyToHost(prefix, stream);
        Assert.That(prefix, Is.EqualTo(new[] { 5, 6 }));

        var e = Assert.Throws<ArgumentException>(() => buffer.CopyFromHost(new int[9], stream));
        Assert.That(e!.ParamName, Is.EqualTo("source"));
        Assert.Throws<ArgumentException>(() => buffer.CopyToHost(new int[9], stream));
    }

    [Test]
    public void MemsetSetsEveryByte()
    {
        using var stream = new CudaStream();
        using var buffer = new DeviceBuffer<uint>(1000);
        buffer.CopyFromHost(new uint[1000], stream);
        buffer.Memset(0x3F, stream);
        uint[] back = buffer.ToArray(stream);
        Assert.That(back, Is.All.EqualTo(0x3F3F3F3Fu));
    }

    [Test]
    public void DeviceToDeviceCopyMatchesTheSource()
    {
        float[] data = RandomFloats(4096, seed: 2);
        using var stream = new CudaStream();
        using var a = new DeviceBuffer<float>(data.Length);
        using var b = new DeviceBuffer<float>(data.Length);
        a.CopyFromHost(data, stream);
        b.Memset(0, stream);
        b.CopyFrom(a, stream);
        Assert.That(b.ToArray(stream), Is.EqualTo(data));
    }

    [Test]
    public void PinnedBuffersCopyAsynchronously()
    {
        float[] data = RandomFloats(65536, seed: 3);
        using var stream = new CudaStream();
        using var upload = new PinnedBuffer<float>(data.Length);
        using var download = new PinnedBuffer<float>(data.Length);
        using var device = new DeviceBuffer<float>(data.Length);
        data.CopyTo(upload.Span);
        download.Span.Fill(float.NaN);
        Assert.That(upload.ByteLength, Is.EqualTo(65536L * 4));

        device.CopyFrom(upload, stream);
        device.CopyTo(download, stream);
        stream.Synchronize();

        Assert.That(download.Span.ToArray(), Is.EqualTo(data));
    }

    [Test]
    public void EventsMeasurePositiveElapsedTime()
    {
        using var stream = new CudaStream();
        using var buffer = new DeviceBuffer<byte>(256L << 20);
        using var start = new CudaEvent();
        using var end = new CudaEvent();

        start.Record(stream);
        for (int i = 0; i < 8; i++)
            buffer.Memset((byte)i, stream);
        end.Record(stream);
        end.Synchronize();

        float ms = CudaEvent.ElapsedMilliseconds(start, end);
        Assert.That(ms, Is.GreaterThan(0f).And.LessThan(10_000f));
    }

    [Test]
    public void ElapsedTimeOnAnEventWithoutTimingIsACudaError()
    {
        using var stream = new CudaStream();
        using var start = new CudaEvent(enableTiming: false);
        using var end = new CudaEvent(enableTiming: false);
        start.Record(stream);
        end.Record(stream);
        end.Synchronize();

        var e = Assert.Throws<CudaException>(() => CudaEvent.ElapsedMilliseconds(start, end));
        Assert.That(e!.ErrorName, Is.EqualTo("cudaErrorInvalidResourceHandle"));
        Assert.That(e.Operation, Is.EqualTo("cudaEventElapsedTime"));
    }

    [Test]
    public void GraphReplayEqualsDirectExecution()
    {
        const int n = 10_000;
        float[] first = RandomFloats(n, seed: 4), second = RandomFloats(n, seed: 5);
        using var stream = new CudaStream();
        using var input = new DeviceBuffer<float>(n);
        using var output = new DeviceBuffer<float>(2 * n);
        using var copy = new DeviceBuffer<float>(n);

        // The work: clear the output, then copy the input into it twice over through a scratch buffer.
        void Work(CudaStream s)
        {
            output.Memset(0, s);
            copy.CopyFrom(input, s);
            output.CopyFrom(copy, s);
        }

        input.CopyFromHost(first, stream);
        Work(stream);
        float[] direct = output.ToArray(stream);
        Assert.That(direct.AsSpan(0, n).ToArray(), Is.EqualTo(first));
        Assert.That(direct.AsSpan(n).ToArray(), Is.All.EqualTo(0f));

        output.CopyFromHost(RandomFloats(2 * n, seed: 6), stream);
        using CudaGraph graph = CudaGraph.Capture(stream, Work);
        // Capture records without running: the output still holds the noise written above.
        Assert.That(output.ToArray(stream).AsSpan(0, n).ToArray(), Is.Not.EqualTo(first));

        graph.Launch(stream);
        stream.Synchronize();
        Assert.That(output.ToArray(stream), Is.EqualTo(direct));

        // Replays read the same addresses, so new input flows through.
        input.CopyFromHost(second, stream);
        graph.Launch(stream);
        float[] replayed = output.ToArray(stream);
        Assert.That(replayed.AsSpan(0, n).ToArray(), Is.EqualTo(second));
        Assert.That(replayed.AsSpan(n).ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void ACaptureThatThrowsLeavesTheStreamUsable()
    {
        using var stream = new CudaStream();
        using var buffer = new DeviceBuffer<int>(4);
        Assert.Throws<InvalidOperationException>(() => CudaGraph.Capture(stream, s =>
        {
            buffer.Memset(1, s);
            throw new InvalidOperationException("inside capture");
        }));

        buffer.CopyFromHost(new[] { 1, 2, 3, 4 }, stream);
        Assert.That(buffer.ToArray(stream), Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void AnImpossibleAllocationIsCudaErrorMemoryAllocation()
    {
        var e = Assert.Throws<CudaException>(() => new DeviceBuffer<byte>(1L << 50).Dispose());
        Assert.That(e!.ErrorCode, Is.EqualTo(2));
        Assert.That(e.ErrorName, Is.EqualTo("cudaErrorMemoryAllocation"));
        Assert.That(e.Message, Does.Contain("DeviceBuffer<Byte>"));

        // The error is not sticky: the device still works.
        using var stream = new CudaStream();
        using var buffer = new DeviceBuffer<int>(1);
        buffer.CopyFromHost(new[] { 42 }, stream);
        Assert.That(buffer.ToArray(stream), Is.EqualTo(new[] { 42 }));
    }

    [Test]
    public void DisposedObjectsRefuseUseAndDisposeTwiceIsHarmless()
    {
        var stream = new CudaStream();
        var buffer = new DeviceBuffer<float>(4);
        var pinned = new PinnedBuffer<float>(4);
        var evt = new CudaEvent();
        buffer.Dispose();
        buffer.Dispose();
        pinned.Dispose();
        pinned.Dispose();
        evt.Dispose();
        evt.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _ = buffer.Pointer);
        Assert.Throws<ObjectDisposedException>(() => buffer.CopyFromHost(new float[4], stream));
        Assert.Throws<ObjectDisposedException>(() => _ = pinned.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => evt.Record(stream));

        stream.Dispose();
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Synchronize());
        Assert.Throws<ObjectDisposedException>(() => _ = stream.Handle);
    }

    [Test]
    public void EmptyBuffersAllocateNothing()
    {
        using var stream = new CudaStream();
        using var buffer = new DeviceBuffer<float>(0);
        using var pinned = new PinnedBuffer<float>(0);
        Assert.That(buffer.Pointer, Is.EqualTo(IntPtr.Zero));
        Assert.That(pinned.Span.IsEmpty, Is.True);
        buffer.CopyFromHost([], stream);
        buffer.Memset(1, stream);
        Assert.That(buffer.ToArray(stream), Is.Empty);
    }
}
