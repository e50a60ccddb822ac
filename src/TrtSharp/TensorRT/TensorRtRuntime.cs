using Microsoft.Extensions.Logging;
using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;

namespace TrtSharp.TensorRT;

/// <summary>
/// The TensorRT runtime behind the native shim: what the shim was built with, whether TensorRT can run here,
/// the log bridge, and the deserializer that turns <c>.plan</c> bytes into an <see cref="Engine"/>.
/// </summary>
public sealed unsafe class TensorRtRuntime : IDisposable
{
    private static readonly Lazy<TensorRtBuildInfo> Info = new(ReadBuildInfo);

    private TensorRtRuntime(RuntimeHandle handle) => Handle = handle;

    internal RuntimeHandle Handle { get; }

    /// <summary>What the loaded shim was built with (loads the shim).</summary>
    /// <exception cref="BackendUnavailableException">The shim itself cannot be loaded.</exception>
    public static TensorRtBuildInfo BuildInfo => Info.Value;

    /// <summary>True when engines can be built and run here: a full shim and a usable CUDA device.</summary>
    public static bool IsAvailable => UnavailableReason is null;

    /// <summary>Why TensorRT cannot run here (names what is missing), or null when it can.</summary>
    public static string? UnavailableReason
    {
        get
        {
            TensorRtBuildInfo info;
            try
            {
                info = BuildInfo;
            }
            catch (BackendUnavailableException ex)
            {
                return ex.Message;
            }
            if (!info.IsFull)
            {
                return "the native shim was built without TensorRT (core-only); install TensorRT 10 or 11 and use a shim built with it: " +
                    $"the TrtSharp package's runtimes/<rid>/native/ one, or one built from the TrtSharp sources with CMake against TensorRT, found through {Interop.NativeLibraryResolver.PathVariable}";
            }
            string? cuda = CudaRuntime.UnavailableReason;
            return cuda is null ? null : $"TensorRT needs a CUDA device: {cuda}";
        }
    }

    /// <summary>The TensorRT library version actually loaded (not the headers), e.g. 10.16.1.</summary>
    public static Version LoadedLibraryVersion
    {
        get
        {
            EnsureAvailable();
            int v;
            NativeStatus.Check(TrtsNative.GetTensorrtLibraryVersion(&v), "trts_get_tensorrt_library_version");
            return new Version(v / 10000, v / 100 % 100, v % 100);
        }
    }

    /// <summary>Throws one clear <see cref="BackendUnavailableException"/> naming what is missing, unless TensorRT can run.</summary>
    public static void EnsureAvailable()
    {
        if (UnavailableReason is { } reason)
        {
            throw new BackendUnavailableException("TensorRT is not available: " + reason);
        }
    }

    /// <summary>Sends TensorRT's log messages at <paramref name="minLevel"/> and above to <paramref name="logger"/> (null stops it).</summary>
    public static void SetLogger(ILogger? logger, LogLevel minLevel = LogLevel.Warning)
    {
        NativeLibraryResolver.Register();
        TensorRtLogBridge.Install(logger, minLevel);
    }

    /// <summary>Creates a runtime (TensorRT's <c>IRuntime</c>).</summary>
    /// <param name="allowEngineHostCode">
    /// Let it deserialize plans that carry host code: version-compatible plans embed their lean runtime and fail to load
    /// without this (TensorRT's default is off). Allow it only for plans you trust, as trtexec does for
    /// <c>--versionCompatible</c>.
    /// </param>
    /// <exception cref="BackendUnavailableException">TensorRT or a CUDA device is missing.</exception>
    public static TensorRtRuntime Create(bool allowEngineHostCode = false)
    {
        EnsureAvailable();
        var handle = new RuntimeHandle();
        TrtsRuntime* raw = null;
        var status = TrtsNative.RuntimeCreate(&raw);
        handle.Attach((nint)raw, null);
        NativeStatus.Check(status, "trts_runtime_create");
        if (allowEngineHostCode)
        {
            try
            {
                using var runtime = handle.Lease();
                NativeStatus.Check(TrtsNative.RuntimeSetEngineHostCodeAllowed(runtime.Value, 1), "trts_runtime_set_engine_host_code_allowed");
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        return new TensorRtRuntime(handle);
    }

    /// <summary>Deserializes a plan into an engine; the engine keeps this runtime alive.</summary>
    public Engine Deserialize(ReadOnlySpan<byte> plan)
    {
        ObjectDisposedException.ThrowIf(Handle.IsDisposed, this);
        var engine = new EngineHandle();
        TrtsEngine* raw = null;
        TrtsStatus status;
        using (var runtime = Handle.Lease())
        fixed (byte* data = plan)
        {
            status = TrtsNative.RuntimeDeserializeEngine(runtime.Value, data, (ulong)plan.Length, &raw);
        }
        engine.Attach((nint)raw, Handle);
        NativeStatus.Check(status, "trts_runtime_deserialize_engine");
        return new Engine(engine);
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    private static TensorRtBuildInfo ReadBuildInfo()
    {
        NativeLibraryResolver.Register();
        NativeLibraryResolver.Load();
        TrtsBuildInfo info;
        NativeStatus.Check(TrtsNative.BuildInfoInit(&info), "trts_build_info_init");
        NativeStatus.Check(TrtsNative.GetBuildInfo(&info), "trts_get_build_info");
        bool full = info.Mode == TrtsBuildMode.Full;
        return new TensorRtBuildInfo(
            full,
            info.AbiVersion,
            full ? new Version(info.TensorrtMajor, info.TensorrtMinor, info.TensorrtPatch, info.TensorrtBuild) : null,
            info.CudaRuntimeVersion,
            info.SupportsWeakTyping != 0);
    }
}
