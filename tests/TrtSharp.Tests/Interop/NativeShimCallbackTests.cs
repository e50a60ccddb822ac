using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Tests.Interop;

/// <summary>C# callbacks invoked by the real shim through its own trampolines (logger, legacy calibrator).</summary>
[TestFixture]
[Category("Native")]
[NonParallelizable] // the logger is process-global
public sealed unsafe class NativeShimCallbackTests
{
    private sealed class LogSink
    {
        public List<(TrtsSeverity Severity, string Message)> Messages { get; } = [];
        public bool Throw { get; set; }
    }

    private sealed class Calibration
    {
        public int BatchesLeft { get; set; }
        public nint[] Buffers { get; } = [0x1000, 0x2000];
        public List<string[]> NamesSeen { get; } = [];
        public byte[]? CacheToRead { get; set; }
        public GCHandle CachePin { get; set; }
        public string? CacheWritten { get; set; }
    }

    [SetUp]
    public void SetUp() => NativeShimFixture.RequireShim();

    [TearDown]
    public void TearDown() => TrtsNative.SetLogger(null, null, TrtsSeverity.Warning);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(void* user, TrtsSeverity severity, byte* message)
    {
        // Nothing may unwind into native code: a failing sink records the failure instead.
        try
        {
            var sink = (LogSink)GCHandle.FromIntPtr((nint)user).Target!;
            if (sink.Throw)
            {
                throw new InvalidOperationException("sink failure");
            }

            sink.Messages.Add((severity, Marshal.PtrToStringUTF8((nint)message)!));
        }
        catch (InvalidOperationException)
        {
        }
    }

    [Test]
    public void Logger_ReceivesUtf8MessagesThroughTheTrampolineAndFiltersBySeverity()
    {
        var sink = new LogSink();
        var handle = GCHandle.Alloc(sink);
        try
        {
            Assert.That(TrtsNative.SetLogger(&OnLog, (void*)GCHandle.ToIntPtr(handle), TrtsSeverity.Info), Is.EqualTo(TrtsStatus.Ok));
            Emit(TrtsSeverity.Warning, "Größe ändern — 推論エンジン ✓");
            Emit(TrtsSeverity.Verbose, "dropped: below the minimum severity");
            Emit(TrtsSeverity.Error, "plain ascii");

            Assert.That(sink.Messages, Is.EqualTo(new[]
            {
                (TrtsSeverity.Warning, "Größe ändern — 推論エンジン ✓"),
                (TrtsSeverity.Error, "plain ascii"),
            }));

            Assert.That(TrtsNative.SetLogger(null, null, TrtsSeverity.Verbose), Is.EqualTo(TrtsStatus.Ok));
            Emit(TrtsSeverity.Error, "after removal");
            Assert.That(sink.Messages, Has.Count.EqualTo(2));
        }
        finally
        {
            TrtsNative.SetLogger(null, null, TrtsSeverity.Warning);
            handle.Free();
        }
    }

    [Test]
    public void Logger_CallbackThatFailsInternally_DoesNotDisturbTheCaller()
    {
        var sink = new LogSink { Throw = true };
        var handle = GCHandle.Alloc(sink);
        try
        {
            Assert.That(TrtsNative.SetLogger(&OnLog, (void*)GCHandle.ToIntPtr(handle), TrtsSeverity.Verbose), Is.EqualTo(TrtsStatus.Ok));
            Emit(TrtsSeverity.Info, "x");
            Assert.That(sink.Messages, Is.Empty);
        }
        finally
        {
            TrtsNative.SetLogger(null, null, TrtsSeverity.Warning);
            handle.Free();
        }
    }

    [Test]
    public void Logger_RejectsInvalidSeverity()
    {
        Assert.That(TrtsNative.SetLogger(null, null, (TrtsSeverity)7), Is.EqualTo(TrtsStatus.EInvalidArgument));
        Assert.That(NativeStatus.LastErrorMessage(), Does.Contain("min_severity"));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnGetBatch(void* user, byte** names, void** bindings, int count)
    {
        try
        {
            var c = (Calibration)GCHandle.FromIntPtr((nint)user).Target!;
            if (c.BatchesLeft == 0)
            {
                return 0;
            }

            var seen = new string[count];
            for (var i = 0; i < count; i++)
            {
                seen[i] = Marshal.PtrToStringUTF8((nint)names[i])!;
                bindings[i] = (void*)(c.Buffers[i] + (c.NamesSeen.Count * 0x100));
            }

            c.NamesSeen.Add(seen);
            c.BatchesLeft--;
            return 1;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnReadCache(void* user, void** data, ulong* size)
    {
        var c = (Calibration)GCHandle.FromIntPtr((nint)user).Target!;
        if (c.CacheToRead is null)
        {
            return 0;
        }

        // The shim may keep the pointer until calibration ends, so the array stays pinned until the test frees it.
        c.CachePin = GCHandle.Alloc(c.CacheToRead, GCHandleType.Pinned);
        *data = (void*)c.CachePin.AddrOfPinnedObject();
        *size = (ulong)c.CacheToRead.Length;
        return 1;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnWriteCache(void* user, void* data, ulong size)
    {
        var c = (Calibration)GCHandle.FromIntPtr((nint)user).Target!;
        c.CacheWritten = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(data, (int)size));
    }

    [Test]
    public void Calibrator_BatchesAndCacheFlowThroughTheShim()
    {
        var c = new Calibration { BatchesLeft = 3 };
        var (batches, cacheRead, last) = Drive(c, ["input_a", "入力_b"], maxBatches: 10);
        Assert.That(batches, Is.EqualTo(3));
        Assert.That(cacheRead, Is.Zero);
        Assert.That(c.NamesSeen, Has.Count.EqualTo(3));
        Assert.That(c.NamesSeen[0], Is.EqualTo(new[] { "input_a", "入力_b" }));
        // The last batch's pointers (batch index 2) come back unchanged through the shim.
        Assert.That(last, Is.EqualTo(new nint[] { 0x1000 + 0x200, 0x2000 + 0x200 }));
        Assert.That(c.CacheWritten, Is.EqualTo("trtsharp-debug-cache;batches=3;inputs=input_a,入力_b"));
    }

    [Test]
    public void Calibrator_StopsAtMaxBatches()
    {
        var c = new Calibration { BatchesLeft = 100 };
        var (batches, _, _) = Drive(c, ["x", "y"], maxBatches: 2);
        Assert.That(batches, Is.EqualTo(2));
        Assert.That(c.CacheWritten, Is.EqualTo("trtsharp-debug-cache;batches=2;inputs=x,y"));
    }

    [Test]
    public void Calibrator_ExistingCacheSkipsCalibration()
    {
        var c = new Calibration { BatchesLeft = 3, CacheToRead = Encoding.ASCII.GetBytes("cached-ranges-123") };
        try
        {
            var (batches, cacheRead, _) = Drive(c, ["x", "y"], maxBatches: 10);
            Assert.That(batches, Is.Zero);
            Assert.That(cacheRead, Is.EqualTo(17UL));
            Assert.That(c.NamesSeen, Is.Empty);
            Assert.That(c.CacheWritten, Is.Null);
        }
        finally
        {
            c.CachePin.Free();
        }
    }

    [Test]
    public void Calibrator_RequiresGetBatch()
    {
        TrtsCalibratorDesc desc;
        Assert.That(TrtsNative.CalibratorDescInit(&desc), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(desc.Algorithm, Is.EqualTo(TrtsCalibrationAlgorithm.Entropy2));
        Assert.That(desc.BatchSize, Is.EqualTo(1));
        TrtsCalibrator* calibrator;
        Assert.That(TrtsNative.CalibratorCreate(&desc, &calibrator), Is.EqualTo(TrtsStatus.EInvalidArgument));
        Assert.That(NativeStatus.LastErrorMessage(), Is.EqualTo("desc->get_batch is NULL"));
    }

    private static void Emit(TrtsSeverity severity, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message + "\0");
        fixed (byte* p = bytes)
        {
            Assert.That(TrtsNative.DebugEmitLog(severity, p), Is.EqualTo(TrtsStatus.Ok));
        }
    }

    private static (int Batches, ulong CacheRead, nint[] Last) Drive(Calibration c, string[] names, int maxBatches)
    {
        var handle = GCHandle.Alloc(c);
        var encoded = names.Select(n => Encoding.UTF8.GetBytes(n + "\0")).ToArray();
        var pins = encoded.Select(e => GCHandle.Alloc(e, GCHandleType.Pinned)).ToArray();
        TrtsCalibrator* calibrator = null;
        try
        {
            TrtsCalibratorDesc desc;
            Assert.That(TrtsNative.CalibratorDescInit(&desc), Is.EqualTo(TrtsStatus.Ok));
            desc.Algorithm = TrtsCalibrationAlgorithm.Minmax;
            desc.User = (void*)GCHandle.ToIntPtr(handle);
            desc.GetBatch = &OnGetBatch;
            desc.ReadCache = &OnReadCache;
            desc.WriteCache = &OnWriteCache;
            Assert.That(TrtsNative.CalibratorCreate(&desc, &calibrator), Is.EqualTo(TrtsStatus.Ok));

            var namePtrs = stackalloc byte*[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                namePtrs[i] = (byte*)pins[i].AddrOfPinnedObject();
            }

            var last = stackalloc void*[names.Length];
            int batches;
            ulong cacheRead;
            Assert.That(TrtsNative.DebugDriveCalibrator(calibrator, namePtrs, names.Length, maxBatches, last, &batches, &cacheRead),
                Is.EqualTo(TrtsStatus.Ok));
            var result = new nint[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                result[i] = (nint)last[i];
            }

            return (batches, cacheRead, result);
        }
        finally
        {
            Assert.That(TrtsNative.CalibratorDestroy(calibrator), Is.EqualTo(TrtsStatus.Ok));
            foreach (var p in pins)
            {
                p.Free();
            }

            handle.Free();
        }
    }
}
