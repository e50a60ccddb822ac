using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;
using TrtSharp.IO;

namespace TrtSharp.TensorRT;

/// <summary>A deserialized TensorRT engine (<c>ICudaEngine</c>): its IO tensors, serialization and execution contexts.</summary>
public sealed unsafe class Engine : IDisposable
{
    internal Engine(EngineHandle handle)
    {
        Handle = handle;
        try
        {
            // TensorRT binds an engine to the device current when it was deserialized; its contexts must be created there.
            DeviceIndex = CudaDevice.Current.Index;
            Tensors = ReadTensors();
        }
        catch
        {
            // An engine whose IO cannot be described (e.g. an element type TrtSharp lacks) is released here, not by a finalizer.
            handle.Dispose();
            throw;
        }
    }

    internal EngineHandle Handle { get; }

    /// <summary>The CUDA device the engine was deserialized on (current at load); its contexts run there.</summary>
    public int DeviceIndex { get; }

    /// <summary>Every IO tensor, in engine order, with -1 for dynamic dimensions and per-profile min/opt/max.</summary>
    public IReadOnlyList<EngineTensor> Tensors { get; }

    /// <summary>The inputs.</summary>
    public IEnumerable<EngineTensor> Inputs => Tensors.Where(t => t.IsInput);

    /// <summary>The outputs.</summary>
    public IEnumerable<EngineTensor> Outputs => Tensors.Where(t => !t.IsInput);

    /// <summary>Number of optimization profiles.</summary>
    public int ProfileCount { get; private set; }

    /// <summary>Loads a <c>.plan</c>; with <paramref name="checkManifest"/> refuses a plan whose manifest does not match this machine.</summary>
    /// <param name="planPath">The plan file.</param>
    /// <param name="checkManifest">Check the plan's manifest (<c>model.plan.json</c>) against this machine first.</param>
    /// <param name="allowEngineHostCode">
    /// Allow plans that carry host code (version-compatible plans); null follows the checked manifest's
    /// <c>version_compatible</c> (off without a checked manifest). See <see cref="TensorRtRuntime.Create"/>. The manifest
    /// is not a signature: whoever can write the plan can write it too, so load version-compatible plans only from places
    /// you trust, or pass false (trtexec allows host code only on an explicit flag).
    /// </param>
    /// <exception cref="BackendUnavailableException">TensorRT or a CUDA device is missing here.</exception>
    /// <exception cref="ModelFormatException">Missing plan, missing manifest, or a mismatch (the message lists why).</exception>
    public static Engine Load(string planPath, bool checkManifest = true, bool? allowEngineHostCode = null)
    {
        ArgumentNullException.ThrowIfNull(planPath);
        TensorRtRuntime.EnsureAvailable();
        ExistingFile.Require(planPath);
        byte[] plan = File.ReadAllBytes(planPath);
        PlanManifest? manifest = null;
        if (checkManifest)
        {
            manifest = PlanManifest.Load(planPath);
            CheckManifest(planPath, manifest, plan, RuntimeVersionText(), ComputeCapabilityText(CudaDevice.Current));
        }
        using var runtime = TensorRtRuntime.Create(AllowsEngineHostCode(manifest, allowEngineHostCode));
        return runtime.Deserialize(plan);
    }

    /// <summary>
    /// Whether a plan may bring host code: the caller's explicit choice, else what its checked manifest says it was built
    /// as (a version-compatible plan cannot load otherwise), else no.
    /// </summary>
    public static bool AllowsEngineHostCode(PlanManifest? checkedManifest, bool? explicitChoice) =>
        explicitChoice ?? checkedManifest?.VersionCompatible ?? false;

    /// <summary>Refuses a plan whose manifest does not match: throws <see cref="ModelFormatException"/> with every reason.</summary>
    public static void CheckManifest(string planPath, PlanManifest manifest, ReadOnlySpan<byte> plan, string tensorRtVersion, string computeCapability)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var reasons = manifest.Mismatches(PlanManifest.Sha256(plan), tensorRtVersion, computeCapability);
        if (reasons.Count > 0)
        {
            throw new ModelFormatException(planPath, "the plan cannot run here: " + string.Join("; ", reasons));
        }
    }

    /// <summary>The plan bytes.</summary>
    public byte[] Serialize()
    {
        using var engine = Handle.Lease();
        TrtsBlob* raw = null;
        var status = TrtsNative.EngineSerialize(engine.Value, &raw);
        return ShimBlob.Take(raw, status, "trts_engine_serialize");
    }

    /// <summary>Writes the plan atomically and its <see cref="PlanManifest"/> next to it (<c>model.plan.json</c>).</summary>
    public PlanManifest Save(string planPath, string modelSha256, BuilderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(planPath);
        options ??= new BuilderOptions();
        byte[] plan = Serialize();
        var device = CudaDevice.Current;
        var manifest = new PlanManifest
        {
            TensorRtVersion = RuntimeVersionText(),
            GpuName = device.Name,
            ComputeCapability = ComputeCapabilityText(device),
            ModelSha256 = modelSha256,
            PlanSha256 = PlanManifest.Sha256(plan),
            VersionCompatible = options.VersionCompatible,
            HardwareCompatibility = BuilderOptions.HardwareCompatibilityName(options.HardwareCompatibility),
            Options = options.Describe(),
        };
        AtomicFile.WriteAllBytes(planPath, plan);
        manifest.Save(planPath);
        return manifest;
    }

    /// <summary>TensorRT's engine inspector output (layers, tactics, formats) as JSON.</summary>
    public string InspectorJson()
    {
        using var engine = Handle.Lease();
        TrtsBlob* raw = null;
        var status = TrtsNative.EngineGetInspectorJson(engine.Value, null, &raw);
        return Encoding.UTF8.GetString(ShimBlob.Take(raw, status, "trts_engine_get_inspector_json"));
    }

    /// <summary>Creates an execution context (its own activation memory); the context keeps this engine alive.</summary>
    public TensorRtContext CreateContext() => new(this);

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    internal static string RuntimeVersionText()
    {
        var v = TensorRtRuntime.LoadedLibraryVersion;
        return $"{v.Major}.{v.Minor}.{v.Build}";
    }

    internal static string ComputeCapabilityText(CudaDevice device) =>
        string.Create(CultureInfo.InvariantCulture, $"{device.ComputeCapability.Major}.{device.ComputeCapability.Minor}");

    private List<EngineTensor> ReadTensors()
    {
        using var engine = Handle.Lease();
        int count, profiles;
        NativeStatus.Check(TrtsNative.EngineGetIoCount(engine.Value, &count), "trts_engine_get_io_count");
        NativeStatus.Check(TrtsNative.EngineGetProfileCount(engine.Value, &profiles), "trts_engine_get_profile_count");
        ProfileCount = profiles;
        var result = new List<EngineTensor>(count);
        for (int i = 0; i < count; i++)
        {
            TrtsTensorInfo info;
            NativeStatus.Check(TrtsNative.TensorInfoInit(&info), "trts_tensor_info_init");
            NativeStatus.Check(TrtsNative.EngineGetIoInfo(engine.Value, i, &info), "trts_engine_get_io_info");
            string name = Marshal.PtrToStringUTF8((nint)info.Name) ?? string.Empty;
            bool isInput = info.Mode == TrtsTensorIoMode.Input;
            long[] shape = ShimDims.ToArray(info.Shape);
            var ranges = new List<(long[], long[], long[])>();
            if (isInput && shape.Any(d => d < 0))
            {
                for (int p = 0; p < profiles; p++)
                {
                    ranges.Add((ProfileShape(name, p, TrtsProfileSelector.Min), ProfileShape(name, p, TrtsProfileSelector.Opt), ProfileShape(name, p, TrtsProfileSelector.Max)));
                }
            }
            var valueRanges = new List<(long[], long[], long[])>();
            if (isInput && info.IsShapeInferenceIo != 0)
            {
                for (int p = 0; p < profiles; p++)
                {
                    valueRanges.Add((ProfileValues(name, p, TrtsProfileSelector.Min), ProfileValues(name, p, TrtsProfileSelector.Opt), ProfileValues(name, p, TrtsProfileSelector.Max)));
                }
            }
            result.Add(new EngineTensor(name, isInput, ShimDims.ToElementType(info.DataType, name), shape, info.Format.ToString(), ranges)
            {
                OnHost = info.Location == TrtsTensorLocation.Host,
                IsShapeInferenceIO = info.IsShapeInferenceIo != 0,
                ProfileValues = valueRanges,
            });
        }
        return result;
    }

    private long[] ProfileValues(string name, int profile, TrtsProfileSelector selector)
    {
        using var engine = Handle.Lease();
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        int count = 0;
        fixed (byte* n = utf8)
        {
            // Ask for the count first (capacity 0 answers TRTS_E_BUFFER_TOO_SMALL with the count), then read.
            var status = TrtsNative.EngineGetProfileValues(engine.Value, n, profile, selector, null, 0, &count);
            if (status != TrtsStatus.EBufferTooSmall)
            {
                NativeStatus.Check(status, "trts_engine_get_profile_values");
            }
            var values = new long[count];
            if (count > 0)
            {
                fixed (long* v = values)
                {
                    NativeStatus.Check(TrtsNative.EngineGetProfileValues(engine.Value, n, profile, selector, v, count, &count), "trts_engine_get_profile_values");
                }
            }
            return values;
        }
    }

    private long[] ProfileShape(string name, int profile, TrtsProfileSelector selector)
    {
        using var engine = Handle.Lease();
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        TrtsDims dims;
        fixed (byte* n = utf8)
        {
            NativeStatus.Check(TrtsNative.EngineGetProfileShape(engine.Value, n, profile, selector, &dims), "trts_engine_get_profile_shape");
        }
        return ShimDims.ToArray(dims);
    }
}
