using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.TensorRT;
using TrtSharp.Tests.Interop;

namespace TrtSharp.Tests.TensorRT;

/// <summary>
/// The managed output allocator driven by the real shim's trampolines (the test hook calls them exactly as TensorRT's
/// IOutputAllocator adapter does), with host memory standing in for device memory.
/// </summary>
[TestFixture]
[Category("Native")]
public sealed unsafe class OutputAllocatorTests
{
    private sealed class HostMemory(ulong bytes, List<HostMemory> log) : OutputAllocator.IOutputMemory
    {
        public IntPtr Pointer { get; } = (IntPtr)NativeMemory.AlignedAlloc((nuint)bytes, 256);

        public ulong Bytes { get; } = bytes;

        public bool Disposed { get; private set; }

        public void Dispose()
        {
            if (!Disposed)
            {
                NativeMemory.AlignedFree((void*)Pointer);
                Disposed = true;
            }
        }

        public HostMemory Logged()
        {
            log.Add(this);
            return this;
        }
    }

    [SetUp]
    public void SetUp() => NativeShimFixture.RequireShim();

    private static nint[] Drive(OutputAllocator allocator, string name, ulong[] sizes, long[] shape)
    {
        var desc = allocator.Describe();
        var dims = new TrtsDims { NbDims = shape.Length };
        for (int i = 0; i < shape.Length; i++)
        {
            dims.D[i] = shape[i];
        }
        var pointers = new nint[sizes.Length];
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* n = utf8)
        fixed (ulong* s = sizes)
        fixed (nint* p = pointers)
        {
            Assert.That(TrtsNative.DebugDriveOutputAllocator(&desc, n, s, sizes.Length, &dims, (void**)p), Is.EqualTo(TrtsStatus.Ok),
                NativeStatus.LastErrorMessage());
        }
        return pointers;
    }

    [Test]
    public void MemoryGrowsOnlyWhenTooSmallAndTheShapeIsReported()
    {
        var made = new List<HostMemory>();
        using var allocator = new OutputAllocator(["boxes", "scores"], bytes => new HostMemory(bytes, made).Logged());
        allocator.BeginRun();

        var pointers = Drive(allocator, "boxes", [400, 100, 400, 1000], [25, 4]);

        Assert.That(made.Select(m => m.Bytes), Is.EqualTo(new ulong[] { 400, 1000 }), "reused while big enough, grown once");
        Assert.That(pointers[0], Is.EqualTo(made[0].Pointer));
        Assert.That(pointers[1], Is.EqualTo(made[0].Pointer));
        Assert.That(pointers[2], Is.EqualTo(made[0].Pointer));
        Assert.That(pointers[3], Is.EqualTo(made[1].Pointer));
        Assert.That(made[0].Disposed, Is.True, "the outgrown block is freed");
        Assert.That(allocator.Pointer("boxes"), Is.EqualTo(made[1].Pointer));
        Assert.That(allocator.TryGetShape("boxes", out var shape), Is.True);
        Assert.That(shape.ToArray(), Is.EqualTo(new long[] { 25, 4 }));
        Assert.That(allocator.TryGetShape("scores", out _), Is.False, "no shape reported for the other output");
        Assert.That(allocator.Failure, Is.Null);

        allocator.BeginRun();
        Assert.That(allocator.TryGetShape("boxes", out _), Is.False, "each run must report its own shape");
        allocator.Dispose();
        Assert.That(made[1].Disposed, Is.True);
    }

    [Test]
    public void ZeroBytesStillGetsAnAddressAndAScalarShape()
    {
        var made = new List<HostMemory>();
        using var allocator = new OutputAllocator(["empty"], bytes => new HostMemory(bytes, made).Logged());
        allocator.BeginRun();

        var pointers = Drive(allocator, "empty", [0], [0, 4]);

        Assert.That(pointers[0], Is.Not.EqualTo(IntPtr.Zero));
        Assert.That(made.Single().Bytes, Is.EqualTo(1UL));
        Assert.That(allocator.TryGetShape("empty", out var shape), Is.True);
        Assert.That(shape.ToArray(), Is.EqualTo(new long[] { 0, 4 }));
    }

    [Test]
    public void AnUnknownOutputIsRecordedAndGetsNoMemory()
    {
        using var allocator = new OutputAllocator(["boxes"], bytes => new HostMemory(bytes, []));
        allocator.BeginRun();

        var pointers = Drive(allocator, "böxes", [64], [16]);

        Assert.That(pointers[0], Is.EqualTo(IntPtr.Zero), "TensorRT fails the enqueue on a null block");
        Assert.That(allocator.Failure, Is.InstanceOf<InvalidOperationException>());
        Assert.That(allocator.Failure!.Message, Does.Contain("'böxes'"), "UTF-8 names come through intact");
        Assert.That(allocator.TryGetShape("boxes", out _), Is.False);
    }

    [Test]
    public void AnAllocationFailureIsRecordedNotThrownIntoNativeCode()
    {
        using var allocator = new OutputAllocator(["boxes"], _ => throw new OutOfMemoryException("device full"));
        allocator.BeginRun();

        var pointers = Drive(allocator, "boxes", [64, 128], [16]);

        Assert.That(pointers, Is.All.EqualTo(IntPtr.Zero));
        Assert.That(allocator.Failure, Is.InstanceOf<OutOfMemoryException>(), "the first failure is kept");
        Assert.That(allocator.TryGetShape("boxes", out var shape), Is.True, "notifyShape still arrives");
        Assert.That(shape.ToArray(), Is.EqualTo(new long[] { 16 }));
    }

    [Test]
    public void TheHookChecksItsArguments()
    {
        using var allocator = new OutputAllocator(["boxes"], bytes => new HostMemory(bytes, []));
        var desc = allocator.Describe();
        desc.Reallocate = null;
        var dims = new TrtsDims { NbDims = 1 };
        byte[] name = "boxes\0"u8.ToArray();
        fixed (byte* n = name)
        {
            Assert.That(TrtsNative.DebugDriveOutputAllocator(&desc, n, null, 0, &dims, null), Is.EqualTo(TrtsStatus.EInvalidArgument));
            Assert.That(NativeStatus.LastErrorMessage(), Does.Contain("reallocate"));
            desc = allocator.Describe();
            dims.NbDims = 9;
            Assert.That(TrtsNative.DebugDriveOutputAllocator(&desc, n, null, 0, &dims, null), Is.EqualTo(TrtsStatus.EInvalidArgument));
            Assert.That(NativeStatus.LastErrorMessage(), Does.Contain("nb_dims"));
        }
    }
}
