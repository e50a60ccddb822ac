using System.Runtime.InteropServices;
using System.Text;
using TrtSharp.Errors;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;
using TrtSharp.IO;

namespace TrtSharp.TensorRT;

/// <summary>Builds TensorRT engines from ONNX models.</summary>
public static unsafe class EngineBuilder
{
    /// <summary>Parses <paramref name="onnxPath"/>, builds an engine with <paramref name="options"/> and deserializes it.</summary>
    /// <exception cref="BackendUnavailableException">TensorRT or a CUDA device is missing here.</exception>
    /// <exception cref="ModelFormatException">The model file does not exist.</exception>
    /// <exception cref="TensorRtParseException">TensorRT's ONNX parser rejected the model.</exception>
    /// <exception cref="TensorRtUnsupportedException">A TensorRT-10-only option on TensorRT 11.</exception>
    public static Engine Build(string onnxPath, BuilderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(onnxPath);
        options ??= new BuilderOptions();
        // Contradictions are refused before anything loads or builds.
        options.Validate();
        TensorRtRuntime.EnsureAvailable();
        ExistingFile.Require(onnxPath);
        options.Validate(TensorRtRuntime.BuildInfo.TensorRtVersion);
        if (options.UsesWeakTyping && !TensorRtRuntime.BuildInfo.SupportsWeakTyping)
        {
            throw new TensorRtUnsupportedException(
                $"TensorRT {TensorRtRuntime.BuildInfo.TensorRtVersion} is strongly typed: FP16/BF16/INT8 flags and the legacy INT8 calibrator were removed; " +
                "quantize the model with Q/DQ nodes ('trtsharp quantize') and build it without precision flags");
        }

        byte[] plan = BuildPlan(onnxPath, options);
        // A version-compatible plan embeds its lean runtime (host code); we built it, so we trust it.
        using var runtime = TensorRtRuntime.Create(allowEngineHostCode: options.VersionCompatible);
        return runtime.Deserialize(plan);
    }

    private static byte[] BuildPlan(string onnxPath, BuilderOptions options)
    {
        using var builder = new BuilderHandle();
        TrtsBuilder* rawBuilder = null;
        var status = TrtsNative.BuilderCreate(&rawBuilder);
        builder.Attach((nint)rawBuilder, null);
        NativeStatus.Check(status, "trts_builder_create");

        using var network = ParseNetwork(builder, onnxPath, options);
        using var builderLease = builder.Lease();
        using var networkLease = network.Lease();

        using var config = new BuilderConfigHandle();
        TrtsBuilderConfig* rawConfig = null;
        status = TrtsNative.BuilderConfigCreate(builderLease.Value, &rawConfig);
        config.Attach((nint)rawConfig, builder);
        NativeStatus.Check(status, "trts_builder_config_create");
        using var configLease = config.Lease();
        var calibrationShapes = Configure(config, network, options);

        using var calibrator = options.Calibrator is null ? null : new LegacyCalibrator(options.Calibrator);
        if (calibrator is not null)
        {
            // TensorRT calibrates at the calibration profile's shapes (the first profile's opt shapes, or the static
            // ones): the source must serve exactly those.
            options.Calibrator!.OnCalibrationShapes(calibrationShapes);
            if (options.Profiles.Count > 0)
            {
                SetCalibrationProfile(configLease.Value, calibrationShapes);
            }
            using var calibratorLease = calibrator.Handle.Lease();
            NativeStatus.Check(TrtsNative.BuilderConfigSetInt8Calibrator(configLease.Value, calibratorLease.Value), "trts_builder_config_set_int8_calibrator");
        }

        TrtsBlob* rawPlan = null;
        status = TrtsNative.BuilderBuildSerializedNetwork(builderLease.Value, networkLease.Value, configLease.Value, &rawPlan);
        if (calibrator?.Failure is { } calibrationFailure)
        {
            // A failing batch source looks like the end of the data to TensorRT: never let that pass as a calibrated engine.
            if (rawPlan is not null)
            {
                TrtsNative.BlobDestroy(rawPlan);
            }
            throw new TrtSharpException($"INT8 calibration of {onnxPath} failed in the calibration callbacks: {calibrationFailure.Message}", calibrationFailure);
        }
        byte[] plan = ShimBlob.Take(rawPlan, status, $"building an engine from {onnxPath}");

        if (options.TimingCachePath is { } cachePath)
        {
            TrtsBlob* rawCache = null;
            status = TrtsNative.BuilderConfigGetTimingCache(configLease.Value, &rawCache);
            AtomicFile.WriteAllBytes(cachePath, ShimBlob.Take(rawCache, status, "trts_builder_config_get_timing_cache"));
        }
        return plan;
    }

    private static NetworkHandle ParseNetwork(BuilderHandle builder, string onnxPath, BuilderOptions options)
    {
        TrtsNetworkOptions networkOptions;
        NativeStatus.Check(TrtsNative.NetworkOptionsInit(&networkOptions), "trts_network_options_init");
        // Strongly typed unless weak-typing precision flags were asked for (TensorRT 10 only).
        networkOptions.StronglyTyped = options.UsesWeakTyping ? 0 : 1;
        var network = new NetworkHandle();
        TrtsNetwork* raw = null;
        TrtsStatus status;
        byte[] path = Encoding.UTF8.GetBytes(Path.GetFullPath(onnxPath) + "\0");
        using (var builderLease = builder.Lease())
        fixed (byte* p = path)
        {
            status = TrtsNative.NetworkCreateFromOnnxFile(builderLease.Value, &networkOptions, p, &raw);
        }
        network.Attach((nint)raw, builder);
        if (status != TrtsStatus.Ok)
        {
            network.Dispose();
            NativeStatus.Check(status, $"parsing {onnxPath}", modelPath: onnxPath);
        }
        return network;
    }

    private static string Utf8(byte* s) => Marshal.PtrToStringUTF8((nint)s) ?? string.Empty;

    private static Dictionary<string, long[]> Configure(BuilderConfigHandle config, NetworkHandle network, BuilderOptions options)
    {
        using var configLease = config.Lease();
        var c = configLease.Value;
        if (options.WorkspaceBytes is { } workspace)
        {
            NativeStatus.Check(TrtsNative.BuilderConfigSetMemoryPoolLimit(c, TrtsMemoryPool.Workspace, workspace), "setting the workspace limit");
        }
        if (options.OptimizationLevel is { } level)
        {
            if (level is < 0 or > 5)
            {
                throw new ArgumentOutOfRangeException(nameof(options), level, "the optimization level must be 0 to 5");
            }
            NativeStatus.Check(TrtsNative.BuilderConfigSetOptimizationLevel(c, level), "setting the optimization level");
        }
        if (options.ProfilingVerbosity is { } verbosity)
        {
            NativeStatus.Check(TrtsNative.BuilderConfigSetProfilingVerbosity(c, (TrtsProfilingVerbosity)verbosity), "setting the profiling verbosity");
        }
        if (options.HardwareCompatibility != HardwareCompatibility.None)
        {
            NativeStatus.Check(TrtsNative.BuilderConfigSetHardwareCompat(c, (TrtsHardwareCompat)options.HardwareCompatibility), "setting hardware compatibility");
        }
        SetFlag(c, TrtsBuilderFlag.VersionCompatible, options.VersionCompatible);
        SetFlag(c, TrtsBuilderFlag.Refit, options.Refit);
        SetFlag(c, TrtsBuilderFlag.SparseWeights, options.SparseWeights);
        SetFlag(c, TrtsBuilderFlag.Fp16, options.Fp16);
        SetFlag(c, TrtsBuilderFlag.Bf16, options.Bf16);
        SetFlag(c, TrtsBuilderFlag.Int8, options.Int8);
        if (!options.Tf32)
        {
            NativeStatus.Check(TrtsNative.BuilderConfigSetFlag(c, TrtsBuilderFlag.Tf32, 0), "clearing builder flag TF32");
        }

        var calibrationShapes = AddProfile(c, network, options);

        if (options.TimingCachePath is { } cachePath)
        {
            byte[] cache = File.Exists(cachePath) ? File.ReadAllBytes(cachePath) : [];
            fixed (byte* data = cache)
            {
                var status = TrtsNative.BuilderConfigSetTimingCache(c, cache.Length == 0 ? null : data, (ulong)cache.Length, 0);
                string rejection = status == TrtsStatus.Ok ? "" : NativeStatus.LastErrorMessage();
                // A cache that parsed but was refused was made on another GPU (or driver): its timings are hints only, so
                // use it anyway and say so. A cache that does not parse stays an error.
                if (status == TrtsStatus.EInvalidArgument && cache.Length > 0 && rejection.Contains("timing cache rejected", StringComparison.Ordinal))
                {
                    TensorRtLogBridge.Warn($"timing cache {cachePath} was made on another device; using it with mismatches ignored ({rejection})");
                    status = TrtsNative.BuilderConfigSetTimingCache(c, data, (ulong)cache.Length, 1);
                }
                NativeStatus.Check(status, $"loading the timing cache {cachePath}");
            }
        }
        return calibrationShapes;
    }

    private static void SetFlag(TrtsBuilderConfig* config, TrtsBuilderFlag flag, bool enabled)
    {
        if (!enabled)
        {
            return;
        }
        NativeStatus.Check(TrtsNative.BuilderConfigSetFlag(config, flag, 1), $"setting builder flag {flag}",
            remedy: "for reduced precision use Q/DQ quantization ('trtsharp quantize') instead");
    }

    /// <returns>Each input's calibration shape: its profile's opt shape, or its static shape.</returns>
    private static Dictionary<string, long[]> AddProfile(TrtsBuilderConfig* config, NetworkHandle network, BuilderOptions options)
    {
        using var networkLease = network.Lease();
        var calibrationShapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        // Every dynamic input needs shapes and every shape-tensor input values; report all the missing ones at once.
        int inputs, outputs;
        NativeStatus.Check(TrtsNative.NetworkGetIoCount(networkLease.Value, &inputs, &outputs), "trts_network_get_io_count");
        var dynamicInputs = new List<string>();
        var shapeTensors = new List<string>();
        for (int i = 0; i < inputs; i++)
        {
            TrtsTensorInfo info;
            NativeStatus.Check(TrtsNative.TensorInfoInit(&info), "trts_tensor_info_init");
            NativeStatus.Check(TrtsNative.NetworkGetIoInfo(networkLease.Value, 0, i, &info), "trts_network_get_io_info");
            string name = Utf8(info.Name);
            long[] shape = ShimDims.ToArray(info.Shape);
            if (info.IsShapeInferenceIo != 0 && !options.ShapeValues.ContainsKey(name))
            {
                shapeTensors.Add(name);
            }
            if (options.Profiles.TryGetValue(name, out var profile))
            {
                calibrationShapes[name] = profile.Opt;
            }
            else if (shape.Any(d => d < 0))
            {
                dynamicInputs.Add(name);
            }
            else
            {
                calibrationShapes[name] = shape;
            }
        }
        if (dynamicInputs.Count > 0)
        {
            throw new TensorShapeException(dynamicInputs[0],
                $"dynamic input(s) {string.Join(", ", dynamicInputs)} need an optimization profile, e.g. --shapes {dynamicInputs[0]}:min/opt/max");
        }
        if (shapeTensors.Count > 0)
        {
            throw new TensorShapeException(shapeTensors[0],
                $"shape-tensor input(s) {string.Join(", ", shapeTensors)} decide shapes by their values, which TensorRT needs in the optimization profile: set BuilderOptions.ShapeValues (CLI: --shape-values {shapeTensors[0]}:min/opt/max, values separated by 'x')");
        }
        if (options.Profiles.Count == 0 && options.ShapeValues.Count == 0)
        {
            return calibrationShapes;
        }

        AddOneProfile(config, options.Profiles, options.ShapeValues);
        foreach (var extra in options.AdditionalProfiles)
        {
            var missing = options.Profiles.Keys.Where(k => !extra.ContainsKey(k)).ToList();
            if (missing.Count > 0 || extra.Count != options.Profiles.Count)
            {
                throw new ArgumentException($"every additional optimization profile needs shapes for exactly the inputs of the first ({string.Join(", ", options.Profiles.Keys)})");
            }
            AddOneProfile(config, extra, options.ShapeValues);
        }
        return calibrationShapes;
    }

    private static void AddOneProfile(TrtsBuilderConfig* config, Dictionary<string, (long[] Min, long[] Opt, long[] Max)> profiles,
        Dictionary<string, (long[] Min, long[] Opt, long[] Max)> shapeValues)
    {
        using var pins = new PinnedArgs();
        var shapes = profiles.Select(p => new TrtsProfileShape
        {
            InputName = pins.Utf8(p.Key),
            Min = ShimDims.From(p.Value.Min, p.Key),
            Opt = ShimDims.From(p.Value.Opt, p.Key),
            Max = ShimDims.From(p.Value.Max, p.Key),
        }).ToArray();
        var values = shapeValues.Select(p => new TrtsProfileValues
        {
            InputName = pins.Utf8(p.Key),
            NbValues = p.Value.Opt.Length,
            Min = pins.Longs(p.Value.Min),
            Opt = pins.Longs(p.Value.Opt),
            Max = pins.Longs(p.Value.Max),
        }).ToArray();
        int index;
        fixed (TrtsProfileShape* s = shapes)
        fixed (TrtsProfileValues* v = values)
        {
            NativeStatus.Check(TrtsNative.BuilderConfigAddOptimizationProfile(config, s, shapes.Length, v, values.Length, &index), "adding an optimization profile");
        }
    }

    /// <summary>
    /// TensorRT 10's legacy calibrator runs at one fixed shape per input: a profile of its own at those shapes, set only
    /// when a calibrator is (trtexec's and Polygraphy's practice), so inference profiles stay as asked.
    /// </summary>
    private static void SetCalibrationProfile(TrtsBuilderConfig* config, Dictionary<string, long[]> calibrationShapes)
    {
        using var pins = new PinnedArgs();
        var shapes = calibrationShapes.Select(p =>
        {
            var dims = ShimDims.From(p.Value, p.Key);
            return new TrtsProfileShape { InputName = pins.Utf8(p.Key), Min = dims, Opt = dims, Max = dims };
        }).ToArray();
        fixed (TrtsProfileShape* s = shapes)
        {
            NativeStatus.Check(TrtsNative.BuilderConfigSetCalibrationProfile(config, s, shapes.Length), "setting the INT8 calibration profile");
        }
    }
}
