using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Errors;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;

namespace TrtSharp.Tests.Interop;

/// <summary>Core-only shim: build info, error paths, thread-local errors, exports, blobs.</summary>
[TestFixture]
[Category("Native")]
public sealed unsafe class NativeShimCoreTests
{
    [SetUp]
    public void SetUp() => NativeShimFixture.RequireShim();

    [Test]
    public void BuildInfo_ReportsCoreOnlyAndAbiVersion()
    {
        TrtsBuildInfo info;
        Assert.That(TrtsNative.BuildInfoInit(&info), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(info.StructSize, Is.EqualTo((uint)sizeof(TrtsBuildInfo)));
        Assert.That(TrtsNative.GetBuildInfo(&info), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(info.Mode, Is.EqualTo(TrtsBuildMode.CoreOnly));
        Assert.That(info.AbiVersion, Is.EqualTo(TrtsNative.AbiVersion));
        Assert.That(info.TensorrtMajor, Is.Zero);
        Assert.That(info.SupportsWeakTyping, Is.Zero);
    }

    [Test]
    public void BuildInfo_RejectsTooSmallStructSize()
    {
        var info = new TrtsBuildInfo { StructSize = 4 };
        Assert.That(TrtsNative.GetBuildInfo(&info), Is.EqualTo(TrtsStatus.EInvalidArgument));
        Assert.That(NativeStatus.LastErrorMessage(), Does.Contain("struct_size"));
    }

    [Test]
    public void EveryGeneratedEntryPoint_IsExported()
    {
        var lib = NativeLibraryResolver.Load();
        var entryPoints = typeof(TrtsNative).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LibraryImportAttribute>()?.EntryPoint)
            .OfType<string>()
            .ToList();
        Assert.That(entryPoints, Has.Count.GreaterThan(50));
        var missing = entryPoints.Where(e => !NativeLibrary.TryGetExport(lib, e, out _)).ToList();
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void TensorRtEntryPoints_ReturnUnavailableNamingWhatToInstall()
    {
        TrtsBuilder* builder = (TrtsBuilder*)0x1;
        Assert.That(TrtsNative.BuilderCreate(&builder), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(builder == null, Is.True, "out handle must be cleared");
        var message = NativeStatus.LastErrorMessage();
        Assert.That(message, Does.StartWith("trts_builder_create:"));
        Assert.That(message, Does.Contain("Install TensorRT"));

        TrtsRuntime* runtime;
        Assert.That(TrtsNative.RuntimeCreate(&runtime), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(NativeStatus.LastErrorMessage(), Does.StartWith("trts_runtime_create:"));
        Assert.That(TrtsNative.ContextEnqueue(null, null), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(TrtsNative.BuilderConfigSetInt8Calibrator(null, null), Is.EqualTo(TrtsStatus.EUnavailable));

        var ex = NativeStatus.ToException(TrtsNative.RuntimeCreate(&runtime), "creating the TensorRT runtime");
        Assert.That(ex, Is.TypeOf<BackendUnavailableException>());
        Assert.That(ex.Message, Does.StartWith("creating the TensorRT runtime failed (TRTS_E_UNAVAILABLE): trts_runtime_create:"));
    }

    [Test]
    public void Abi3EntryPoints_ReturnUnavailableAndClearTheirOutputs()
    {
        if (TrtSharp.TensorRT.TensorRtRuntime.BuildInfo.IsFull)
        {
            Assert.Ignore("the shim was built with TensorRT");
        }
        int index = 7;
        Assert.That(TrtsNative.BuilderConfigAddOptimizationProfile(null, null, 0, null, 0, &index), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(index, Is.EqualTo(-1), "profile index must be cleared");
        Assert.That(NativeStatus.LastErrorMessage(), Does.StartWith("trts_builder_config_add_optimization_profile:"));

        int count = 7;
        Assert.That(TrtsNative.EngineGetProfileValues(null, null, 0, TrtsProfileSelector.Opt, null, 0, &count), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(count, Is.Zero, "value count must be cleared");
        Assert.That(NativeStatus.LastErrorMessage(), Does.StartWith("trts_engine_get_profile_values:"));

        Assert.That(TrtsNative.BuilderConfigSetCalibrationProfile(null, null, 0), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(NativeStatus.LastErrorMessage(), Does.StartWith("trts_builder_config_set_calibration_profile:"));
        Assert.That(TrtsNative.RuntimeSetEngineHostCodeAllowed(null, 1), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(NativeStatus.LastErrorMessage(), Does.StartWith("trts_runtime_set_engine_host_code_allowed:"));
        Assert.That(TrtsNative.ContextReportToProfiler(null), Is.EqualTo(TrtsStatus.EUnavailable));
        Assert.That(NativeStatus.LastErrorMessage(), Does.StartWith("trts_context_report_to_profiler:"));
    }

    [Test]
    public void DestroyNull_IsANoOpForEveryHandleType()
    {
        Assert.That(TrtsNative.BlobDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(TrtsNative.CalibratorDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(TrtsNative.BuilderDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(TrtsNative.NetworkDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(TrtsNative.BuilderConfigDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(TrtsNative.RuntimeDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(TrtsNative.EngineDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(TrtsNative.ContextDestroy(null), Is.EqualTo(TrtsStatus.Ok));
    }

    [Test]
    public void NullArguments_AreRejectedWithTheArgumentName()
    {
        void* data;
        ulong size;
        Assert.That(TrtsNative.BlobGet(null, &data, &size), Is.EqualTo(TrtsStatus.EInvalidArgument));
        Assert.That(NativeStatus.LastErrorMessage(), Is.EqualTo("blob is NULL"));
        var ex = NativeStatus.ToException(TrtsStatus.EInvalidArgument, "reading a blob");
        Assert.That(ex, Is.TypeOf<ArgumentException>());
        Assert.That(ex.Message, Does.Contain("reading a blob").And.Contain("blob is NULL"));
    }

    [Test]
    public void SuccessfulCall_ClearsTheLastError()
    {
        Assert.That(TrtsNative.BlobDestroy(null), Is.EqualTo(TrtsStatus.Ok));
        void* data;
        ulong size;
        Assert.That(TrtsNative.BlobGet(null, &data, &size), Is.EqualTo(TrtsStatus.EInvalidArgument));
        Assert.That(NativeStatus.LastErrorMessage(), Is.Not.Empty);
        int abi;
        Assert.That(TrtsNative.GetAbiVersion(&abi), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(NativeStatus.LastErrorMessage(), Is.Empty);
    }

    [Test]
    public void LastError_IsThreadLocal()
    {
        // Two threads fail differently, in lock-step, and each must read back only its own message.
        using var barrier = new Barrier(2);
        string? messageA = null, messageB = null;
        var a = new Thread(() =>
        {
            void* d;
            ulong s;
            _ = TrtsNative.BlobGet(null, &d, &s);
            barrier.SignalAndWait();
            barrier.SignalAndWait();
            messageA = NativeStatus.LastErrorMessage();
        });
        var b = new Thread(() =>
        {
            barrier.SignalAndWait();
            TrtsRuntime* r;
            _ = TrtsNative.RuntimeCreate(&r);
            barrier.SignalAndWait();
            messageB = NativeStatus.LastErrorMessage();
        });
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        Assert.That(messageA, Is.EqualTo("blob is NULL"));
        Assert.That(messageB, Does.StartWith("trts_runtime_create:"));
    }

    [Test]
    public void Blob_RoundTripsUtf8BytesAndReportsShortBuffers()
    {
        var bytes = Encoding.UTF8.GetBytes("größe — 推論 ✓");
        TrtsBlob* blob;
        fixed (byte* p = bytes)
        {
            Assert.That(TrtsNative.BlobCreate(p, (ulong)bytes.Length, &blob), Is.EqualTo(TrtsStatus.Ok));
        }

        try
        {
            void* data;
            ulong size;
            Assert.That(TrtsNative.BlobGet(blob, &data, &size), Is.EqualTo(TrtsStatus.Ok));
            Assert.That(size, Is.EqualTo((ulong)bytes.Length));
            Assert.That(Encoding.UTF8.GetString(new ReadOnlySpan<byte>(data, (int)size)), Is.EqualTo("größe — 推論 ✓"));

            var small = new byte[4];
            ulong needed;
            fixed (byte* p = small)
            {
                Assert.That(TrtsNative.BlobCopyTo(blob, p, (ulong)small.Length, &needed), Is.EqualTo(TrtsStatus.EBufferTooSmall));
            }

            Assert.That(needed, Is.EqualTo((ulong)bytes.Length));
            var copy = new byte[needed];
            fixed (byte* p = copy)
            {
                Assert.That(TrtsNative.BlobCopyTo(blob, p, needed, &needed), Is.EqualTo(TrtsStatus.Ok));
            }

            Assert.That(copy, Is.EqualTo(bytes));
        }
        finally
        {
            Assert.That(TrtsNative.BlobDestroy(blob), Is.EqualTo(TrtsStatus.Ok));
        }
    }

    [Test]
    public void StatusName_NamesEveryStatus()
    {
        foreach (var status in Enum.GetValues<TrtsStatus>())
        {
            var name = Marshal.PtrToStringUTF8((nint)TrtsNative.StatusName(status));
            Assert.That(name, Does.StartWith("TRTS_"));
            Assert.That(name, Is.Not.EqualTo("TRTS_E_UNKNOWN_STATUS"), status.ToString());
        }

        Assert.That(Marshal.PtrToStringUTF8((nint)TrtsNative.StatusName((TrtsStatus)999)), Is.EqualTo("TRTS_E_UNKNOWN_STATUS"));
    }

    [Test]
    public void AbiCheck_AcceptsThisShimAndRefusesOtherLibraries()
    {
        Assert.That(NativeLibraryResolver.AbiMismatch(NativeLibraryResolver.Load()), Is.Null);

        // A library without the ABI export (the C library) is named as not being a shim instead of crashing later.
        nint libc = NativeLibrary.Load(OperatingSystem.IsWindows() ? "kernel32.dll" : "libc.so.6");
        Assert.That(NativeLibraryResolver.AbiMismatch(libc), Does.Contain("not a TrtSharp shim"));
    }

    [Test]
    public void TensorInfoInit_DefaultsToDeviceLocationAndNoShapeInference()
    {
        TrtsTensorInfo info;
        info.Location = TrtsTensorLocation.Host;
        info.IsShapeInferenceIo = 7;
        Assert.That(TrtsNative.TensorInfoInit(&info), Is.EqualTo(TrtsStatus.Ok));
        Assert.That(info.StructSize, Is.EqualTo((uint)sizeof(TrtsTensorInfo)));
        Assert.That(info.Location, Is.EqualTo(TrtsTensorLocation.Device));
        Assert.That(info.IsShapeInferenceIo, Is.Zero);
    }
}
