using System.Globalization;
using TrtSharp.Tensors;

namespace TrtSharp.TensorRT;

/// <summary>How <see cref="EngineBuilder"/> builds an engine. Defaults match TensorRT's.</summary>
public sealed class BuilderOptions
{
    /// <summary>Workspace memory pool limit in bytes; null keeps TensorRT's default (the device's memory).</summary>
    public ulong? WorkspaceBytes { get; set; }

    /// <summary>
    /// One optimization profile: input name → (min, opt, max) shapes, as parsed by <see cref="ShapeSpec.ParseProfiles"/>.
    /// Required for every input with a dynamic dimension.
    /// </summary>
    public Dictionary<string, (long[] Min, long[] Opt, long[] Max)> Profiles { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// More optimization profiles after <see cref="Profiles"/> (profile 1, 2, …), each with shapes for the same inputs;
    /// select one at run time with <see cref="TensorRtContext.SetOptimizationProfile"/> or a binding's profile.
    /// </summary>
    public List<Dictionary<string, (long[] Min, long[] Opt, long[] Max)>> AdditionalProfiles { get; } = [];

    /// <summary>
    /// Values of shape-tensor inputs (inputs whose values decide shapes, e.g. Reshape's <c>shape</c> as a graph input),
    /// per optimization profile: input name → (min, opt, max) values, element-wise min ≤ opt ≤ max. TensorRT needs them
    /// for every shape-tensor input, static or not; text form as for <see cref="Profiles"/> (<c>shape:1x-1/2x-1/4x-1</c>).
    /// </summary>
    public Dictionary<string, (long[] Min, long[] Opt, long[] Max)> ShapeValues { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// TF32 tensor-core math for FP32 convolutions and matrix products (TensorRT's default: on, about 1e-3 relative
    /// error); false clears the flag for full FP32 accuracy.
    /// </summary>
    public bool Tf32 { get; set; } = true;

    /// <summary>Timing cache file: read before the build when it exists, written (atomically) after it.</summary>
    public string? TimingCachePath { get; set; }

    /// <summary>Builder optimization level 0–5; null keeps TensorRT's default (3).</summary>
    public int? OptimizationLevel { get; set; }

    /// <summary>How much layer detail the engine keeps; null keeps TensorRT's default.</summary>
    public ProfilingVerbosity? ProfilingVerbosity { get; set; }

    /// <summary>Build an engine that later TensorRT versions can run (with the lean runtime).</summary>
    public bool VersionCompatible { get; set; }

    /// <summary>Which GPUs the engine may run on.</summary>
    public HardwareCompatibility HardwareCompatibility { get; set; }

    /// <summary>Keep the weights refittable.</summary>
    public bool Refit { get; set; }

    /// <summary>Allow sparse-weight tactics (2:4 structured sparsity).</summary>
    public bool SparseWeights { get; set; }

    /// <summary>TensorRT 10 only: allow FP16 kernels (weak typing). On TensorRT 11 building throws <see cref="Errors.TensorRtUnsupportedException"/>.</summary>
    public bool Fp16 { get; set; }

    /// <summary>TensorRT 10 only: allow BF16 kernels (weak typing).</summary>
    public bool Bf16 { get; set; }

    /// <summary>TensorRT 10 only: allow INT8 kernels; needs <see cref="Calibrator"/> (or a cache in it) unless the model has Q/DQ.</summary>
    public bool Int8 { get; set; }

    /// <summary>TensorRT 10 only: the legacy INT8 calibrator's batches and cache.</summary>
    public ICalibrationBatchSource? Calibrator { get; set; }

    /// <summary>Adds profiles from text such as <c>input:1x76x32x1/8x76x32x1/32x76x32x1</c>.</summary>
    public BuilderOptions WithProfiles(string text)
    {
        foreach (var (name, shapes) in ShapeSpec.ParseProfiles(text))
        {
            Profiles[name] = shapes;
        }
        return this;
    }

    /// <summary>Adds shape-tensor values from text such as <c>shape:1x-1/2x-1/4x-1</c> (one value list: all three).</summary>
    public BuilderOptions WithShapeValues(string text)
    {
        foreach (var (name, values) in ShapeSpec.ParseValueProfiles(text))
        {
            ShapeValues[name] = values;
        }
        return this;
    }

    /// <summary>
    /// Refuses combinations TensorRT would silently mis-build, before any work: a calibrator without <see cref="Int8"/>
    /// (TensorRT would ignore it and build FP32), and options newer than <paramref name="tensorRt"/> when it is known.
    /// </summary>
    /// <exception cref="ArgumentException">A contradictory combination (the message says which).</exception>
    /// <exception cref="Errors.TensorRtUnsupportedException">An option the given TensorRT version lacks.</exception>
    public void Validate(Version? tensorRt = null)
    {
        if (Calibrator is not null && !Int8)
        {
            throw new ArgumentException(
                "BuilderOptions.Calibrator is set but Int8 is false: TensorRT would ignore the calibrator and build an FP32 engine; set Int8 = true (or remove the calibrator)");
        }
        foreach (var (name, (min, opt, max)) in ShapeValues)
        {
            if (min.Length != opt.Length || opt.Length != max.Length)
            {
                throw new ArgumentException($"shape-tensor input '{name}': min/opt/max value lists differ in length");
            }
            // TensorRT requires nbValues >= 1 (a scalar shape tensor has one value).
            if (min.Length == 0)
            {
                throw new ArgumentException($"shape-tensor input '{name}': give at least one value (a scalar has one)");
            }
        }
        if (Calibrator is not null && ShapeValues.Count > 0)
        {
            // The calibration profile (fixed at the opt shapes) would need the shape values too, which the shim cannot pass.
            throw new Errors.TensorRtUnsupportedException(
                "the legacy INT8 calibrator cannot calibrate a network with shape-tensor inputs here; quantize the model with Q/DQ ('trtsharp quantize') instead");
        }
        if (tensorRt is null)
        {
            return;
        }
        if (HardwareCompatibility == HardwareCompatibility.SameComputeCapability && tensorRt < new Version(10, 9))
        {
            throw new Errors.TensorRtUnsupportedException(
                $"hardware compatibility 'same-compute-capability' needs TensorRT 10.9 or newer; this shim was built against TensorRT {tensorRt}");
        }
    }

    /// <summary>True when an option needs TensorRT 10's weak typing.</summary>
    public bool UsesWeakTyping => Fp16 || Bf16 || Int8 || Calibrator is not null;

    /// <summary>The options as text, for the plan manifest (stable keys, invariant formatting).</summary>
    public IReadOnlyDictionary<string, string> Describe()
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["workspace_bytes"] = WorkspaceBytes?.ToString(CultureInfo.InvariantCulture) ?? "default",
            ["optimization_level"] = OptimizationLevel?.ToString(CultureInfo.InvariantCulture) ?? "default",
            ["profiling_verbosity"] = ProfilingVerbosity?.ToString() ?? "default",
            ["version_compatible"] = VersionCompatible ? "true" : "false",
            ["hardware_compatibility"] = HardwareCompatibilityName(HardwareCompatibility),
            ["refit"] = Refit ? "true" : "false",
            ["sparse_weights"] = SparseWeights ? "true" : "false",
            ["fp16"] = Fp16 ? "true" : "false",
            ["bf16"] = Bf16 ? "true" : "false",
            ["int8"] = Int8 ? "true" : "false",
            ["tf32"] = Tf32 ? "true" : "false",
            ["additional_profiles"] = string.Join(";", AdditionalProfiles.Select(extra => string.Join(",", extra.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                $"{p.Key}:{ShapeSpec.Format(p.Value.Min)}/{ShapeSpec.Format(p.Value.Opt)}/{ShapeSpec.Format(p.Value.Max)}")))),
            ["shape_values"] = string.Join(",", ShapeValues.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                $"{p.Key}:{ShapeSpec.Format(p.Value.Min)}/{ShapeSpec.Format(p.Value.Opt)}/{ShapeSpec.Format(p.Value.Max)}")),
            ["profiles"] = string.Join(",", Profiles.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                $"{p.Key}:{ShapeSpec.Format(p.Value.Min)}/{ShapeSpec.Format(p.Value.Opt)}/{ShapeSpec.Format(p.Value.Max)}")),
        };
        return d;
    }

    /// <summary>The manifest's name for a hardware compatibility level.</summary>
    public static string HardwareCompatibilityName(HardwareCompatibility level) => level switch
    {
        HardwareCompatibility.AmperePlus => "ampere+",
        HardwareCompatibility.SameComputeCapability => "same-compute-capability",
        _ => "none",
    };

    /// <summary>Parses "none", "ampere+" or "same-compute-capability".</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static HardwareCompatibility ParseHardwareCompatibility(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" => HardwareCompatibility.None,
        "ampere+" or "ampere-plus" => HardwareCompatibility.AmperePlus,
        "same-compute-capability" or "same-cc" => HardwareCompatibility.SameComputeCapability,
        _ => throw new FormatException($"'{text}': hardware compatibility must be none, ampere+ or same-compute-capability"),
    };
}
