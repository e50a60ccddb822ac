using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using TrtSharp.Errors;
using TrtSharp.IO;

namespace TrtSharp.TensorRT;

/// <summary>
/// What a <c>.plan</c> was built with, written next to it as <c>model.plan.json</c>. TensorRT plans only run on
/// the TensorRT version and GPU architecture they were built for (unless built version- or hardware-compatible);
/// the manifest lets TrtSharp refuse a mismatch with a reason instead of failing deep inside deserialization.
/// </summary>
public sealed record PlanManifest
{
    /// <summary>Format version of this manifest.</summary>
    public int ManifestVersion { get; init; } = 1;

    /// <summary>TensorRT version the plan was built with, e.g. "10.16.1".</summary>
    public required string TensorRtVersion { get; init; }

    /// <summary>GPU name at build time.</summary>
    public required string GpuName { get; init; }

    /// <summary>Compute capability at build time, e.g. "8.9".</summary>
    public required string ComputeCapability { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the ONNX model the plan was built from.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the plan bytes, so a plan swapped under its manifest is caught.</summary>
    public required string PlanSha256 { get; init; }

    /// <summary>True when built version-compatible (runs on later TensorRT versions).</summary>
    public bool VersionCompatible { get; init; }

    /// <summary>Hardware compatibility level ("none", "ampere+", "same-compute-capability").</summary>
    public string HardwareCompatibility { get; init; } = "none";

    /// <summary>Builder options as text, for people and for reproducing the build.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>When the plan was built (UTC).</summary>
    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The manifest path for a plan: <c>model.plan</c> → <c>model.plan.json</c>.</summary>
    public static string PathFor(string planPath) => planPath + ".json";

    /// <summary>Lower-case hex SHA-256 of a byte span.</summary>
    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Lower-case hex SHA-256 of a file, streamed.</summary>
    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Writes the manifest atomically next to <paramref name="planPath"/>.</summary>
    public void Save(string planPath) => ReportJson.Write(PathFor(planPath), this);

    /// <summary>Reads the manifest of <paramref name="planPath"/>.</summary>
    /// <exception cref="ModelFormatException">Missing or unreadable manifest.</exception>
    public static PlanManifest Load(string planPath)
    {
        string path = PathFor(planPath);
        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, "the plan has no manifest (built outside TrtSharp?); rebuild it with 'trtsharp build' or load it without the manifest check");
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses manifest JSON; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">Not JSON, not a manifest, or a required field missing or null.</exception>
    public static PlanManifest Parse(string json, string? path)
    {
        ArgumentNullException.ThrowIfNull(json);
        PlanManifest manifest;
        try
        {
            manifest = ReportJson.Deserialize<PlanManifest>(json)
                ?? throw new ModelFormatException(path, "the manifest is empty");
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException(path, $"the manifest is not valid JSON: {ex.Message}", ex);
        }
        // JSON null satisfies 'required' for the serializer; a manifest without these cannot vouch for its plan.
        (string Name, string? Value)[] fields =
        [
            ("tensor_rt_version", manifest.TensorRtVersion), ("gpu_name", manifest.GpuName), ("compute_capability", manifest.ComputeCapability),
            ("model_sha256", manifest.ModelSha256), ("plan_sha256", manifest.PlanSha256), ("hardware_compatibility", manifest.HardwareCompatibility),
        ];
        foreach (var (name, value) in fields)
        {
            if (string.IsNullOrEmpty(value))
            {
                throw new ModelFormatException(path, $"the manifest lacks '{name}'");
            }
        }
        return manifest;
    }

    /// <summary>
    /// Reasons this plan cannot run here, empty when it can: the plan bytes differ from the ones recorded,
    /// the TensorRT version differs (and the plan is not version-compatible), or the GPU architecture differs
    /// (and the plan is not hardware-compatible).
    /// </summary>
    public IReadOnlyList<string> Mismatches(string planSha256, string runtimeTensorRtVersion, string runtimeComputeCapability, string? modelSha256 = null)
    {
        var reasons = new List<string>();
        if (!string.Equals(planSha256, PlanSha256, StringComparison.OrdinalIgnoreCase))
        {
            reasons.Add("the plan file is not the one this manifest describes (SHA-256 differs)");
        }
        if (!VersionCompatible && !string.Equals(runtimeTensorRtVersion, TensorRtVersion, StringComparison.Ordinal))
        {
            reasons.Add($"built with TensorRT {TensorRtVersion}, this runtime is {runtimeTensorRtVersion} (rebuild, or build with --version-compatible)");
        }
        bool hardwareCompatible = HardwareCompatibility == "ampere+" && IsAmpereOrLater(runtimeComputeCapability);
        if (!hardwareCompatible && !string.Equals(runtimeComputeCapability, ComputeCapability, StringComparison.Ordinal))
        {
            reasons.Add($"built for compute capability {ComputeCapability} ({GpuName}), this GPU is {runtimeComputeCapability}");
        }
        if (modelSha256 is not null && !string.Equals(modelSha256, ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            reasons.Add("built from a different ONNX model (SHA-256 differs)");
        }
        return reasons;
    }

    private static bool IsAmpereOrLater(string computeCapability) =>
        Version.TryParse(computeCapability, out var v) && v.Major >= 8;
}
