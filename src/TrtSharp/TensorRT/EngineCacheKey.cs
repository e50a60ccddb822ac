using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TrtSharp.TensorRT;

/// <summary>
/// What makes two engine builds interchangeable: the ONNX model's bytes, the build options, the TensorRT version and
/// the GPU's compute capability (a plan runs only where all of them match). The key is the SHA-256 of their
/// canonical text, so it is the same in every process and on every machine.
/// </summary>
public sealed record EngineCacheKey
{
    /// <summary>Creates a key; <paramref name="options"/> is the builder options' description (<see cref="BuilderOptions.Describe"/>).</summary>
    public EngineCacheKey(string modelSha256, IReadOnlyDictionary<string, string> options, string tensorRtVersion, string computeCapability)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelSha256);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(tensorRtVersion);
        ArgumentException.ThrowIfNullOrEmpty(computeCapability);
        var text = new StringBuilder()
            .Append("trtsharp-engine-cache-key 1\n")
            .Append("model ").Append(modelSha256.ToLowerInvariant()).Append('\n')
            .Append("tensorrt ").Append(tensorRtVersion).Append('\n')
            .Append("compute ").Append(computeCapability).Append('\n');
        foreach (var (name, value) in options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            // Length-prefixed so that no choice of names and values can make two option sets print alike.
            text.Append(CultureInfo.InvariantCulture, $"option {name.Length}:{name}={value.Length}:{value}\n");
        }
        Text = text.ToString();
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));
    }

    /// <summary>The canonical text hashed (for diagnostics).</summary>
    public string Text { get; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Text"/>: the entry's file name.</summary>
    public string Hash { get; }

    /// <summary>
    /// The key for building <paramref name="modelSha256"/> with <paramref name="options"/>. A calibrator's data decides
    /// the engine too: a calibration-cache file enters the key by its SHA-256; calibrating from a dataset is refused
    /// (hashing the data would cost as much as the calibration — calibrate to a cache file first).
    /// </summary>
    /// <exception cref="ArgumentException">The options use a calibrator the key cannot cover.</exception>
    public static EngineCacheKey For(string modelSha256, BuilderOptions options, string tensorRtVersion, string computeCapability)
    {
        ArgumentNullException.ThrowIfNull(options);
        var described = new Dictionary<string, string>(options.Describe(), StringComparer.Ordinal);
        switch (options.Calibrator)
        {
            case null:
                break;
            case CalibrationCacheSource cache when File.Exists(cache.Path):
                described["calibration_cache_sha256"] = PlanManifest.Sha256OfFile(cache.Path);
                break;
            default:
                throw new ArgumentException(
                    "the engine cache cannot key a build calibrated from a dataset (or from a calibration cache that does not exist yet): write a calibration cache first and build from it");
        }
        return new EngineCacheKey(modelSha256, described, tensorRtVersion, computeCapability);
    }
}
