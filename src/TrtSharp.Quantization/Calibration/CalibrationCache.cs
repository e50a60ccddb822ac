using System.Globalization;
using System.Text;
using TrtSharp.Errors;
using TrtSharp.IO;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// A TensorRT 10 calibration cache (the legacy calibrator's text format): a header line
/// <c>TRT-&lt;version&gt;-&lt;EntropyCalibration2|MinMaxCalibration&gt;</c> with version = major·10000 + minor·100 + patch,
/// then one line per tensor <c>name: hhhhhhhh</c>, the 8 lowercase hex digits of the float32 bit pattern of
/// scale = amax / 127, most significant byte first.
/// </summary>
public sealed class CalibrationCache
{
    /// <summary>
    /// The amax given to a tensor whose amax is 0 (every value was 0): 1.0, so scale = 1/127.
    /// Any positive scale represents 0 exactly; this one keeps 1/scale small and finite for TensorRT (a tiny scale such as the
    /// smallest normal float overflows 1/scale), and lets unexpected values in ±1 through at inference instead of flushing them.
    /// </summary>
    public const float ZeroRangeAmax = 1.0f;

    private const float MaxLevel = 127f;

    private readonly List<KeyValuePair<string, float>> _entries;
    private readonly Dictionary<string, float> _scales;

    private CalibrationCache(int tensorRtVersion, CalibrationCacheAlgorithm algorithm, List<KeyValuePair<string, float>> entries, IReadOnlyList<string> warnings)
    {
        TensorRtVersion = tensorRtVersion;
        Algorithm = algorithm;
        _entries = entries;
        _scales = new Dictionary<string, float>(entries, StringComparer.Ordinal);
        Warnings = warnings;
    }

    /// <summary>The TensorRT version in the header, major·10000 + minor·100 + patch (10.16.1 → 101601).</summary>
    public int TensorRtVersion { get; }

    /// <summary>The calibrator named in the header.</summary>
    public CalibrationCacheAlgorithm Algorithm { get; }

    /// <summary>Tensor name → scale (amax / 127), in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, float>> Entries => _entries;

    /// <summary>Tensor name → scale (amax / 127).</summary>
    public IReadOnlyDictionary<string, float> Scales => _scales;

    /// <summary>What <see cref="FromAmax"/> had to substitute (tensors with amax 0), one sentence each; empty for a read cache.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The amax of <paramref name="tensorName"/>: scale · 127.</summary>
    /// <exception cref="TensorNotFoundException">The cache has no such tensor.</exception>
    public float GetAmax(string tensorName) =>
        _scales.TryGetValue(tensorName, out float scale) ? scale * MaxLevel : throw new TensorNotFoundException(tensorName, _scales.Keys);

    /// <summary>Encodes a TensorRT version the way cache headers carry it (major·10000 + minor·100 + patch).</summary>
    public static int EncodeVersion(int major, int minor, int patch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(major, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minor, 99);
        ArgumentOutOfRangeException.ThrowIfNegative(patch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(patch, 99);
        return checked((major * 10000) + (minor * 100) + patch);
    }

    /// <summary>Parses "10.16.1" (or "10.16") into the header number (101601).</summary>
    public static int ParseVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        string[] parts = version.Split('.');
        if (parts.Length is < 2 or > 3 || !parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
        {
            throw new FormatException($"'{version}' is not a TensorRT version such as 10.16.1");
        }
        int Part(int k) => k < parts.Length ? int.Parse(parts[k], CultureInfo.InvariantCulture) : 0;
        return EncodeVersion(Part(0), Part(1), Part(2));
    }

    /// <summary>
    /// Builds a cache from amax values. An amax of 0 gets <see cref="ZeroRangeAmax"/> and a warning in <see cref="Warnings"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An amax is negative, NaN or infinite, a name is empty or holds a line break, or a name repeats.</exception>
    public static CalibrationCache FromAmax(IEnumerable<KeyValuePair<string, float>> amax, int tensorRtVersion, CalibrationCacheAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(amax);
        ArgumentOutOfRangeException.ThrowIfLessThan(tensorRtVersion, 1);
        var entries = new List<KeyValuePair<string, float>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach ((string name, float value) in amax)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('\n', StringComparison.Ordinal) || name.Contains('\r', StringComparison.Ordinal))
            {
                throw new ArgumentException($"tensor name '{name}' cannot be written to a calibration cache (empty or has a line break)", nameof(amax));
            }
            if (!seen.Add(name))
            {
                throw new ArgumentException($"tensor '{name}' appears twice", nameof(amax));
            }
            if (!float.IsFinite(value) || value < 0)
            {
                throw new ArgumentException($"tensor '{name}': amax {value} is not a finite value ≥ 0", nameof(amax));
            }
            float a = value;
            if (a == 0f)
            {
                a = ZeroRangeAmax;
                warnings.Add($"tensor '{name}': amax is 0 (every calibration value was 0); wrote scale 1/127 (amax {ZeroRangeAmax})");
            }
            float scale = a / MaxLevel;
            if (scale == 0f)
            {
                // amax below ~1.8e-43 underflows; the smallest positive float still represents the tensor's zeros.
                scale = float.Epsilon;
                warnings.Add($"tensor '{name}': amax {value} underflows scale to 0; wrote the smallest positive float");
            }
            entries.Add(new(name, scale));
        }
        return new CalibrationCache(tensorRtVersion, algorithm, entries, warnings);
    }

    /// <summary>The file text: header, then one line per tensor, each ending in '\n'.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("TRT-").Append(TensorRtVersion.ToString(CultureInfo.InvariantCulture)).Append('-').Append(Algorithm.ToString()).Append('\n');
        foreach ((string name, float scale) in _entries)
        {
            sb.Append(name).Append(": ").Append(BitConverter.SingleToUInt32Bits(scale).ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes the cache atomically: a temporary file beside <paramref name="path"/>, then a rename over it.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, ToText());
    }

    /// <summary>Reads a cache file.</summary>
    /// <exception cref="ModelFormatException">Foreign header, malformed line, non-hex value, non-positive scale or duplicate name; names the file and line.</exception>
    public static CalibrationCache Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (IOException e)
        {
            throw new ModelFormatException(path, $"cannot read the calibration cache: {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses cache text; <paramref name="sourcePath"/> is named in errors.</summary>
    /// <exception cref="ModelFormatException">As <see cref="Read"/>.</exception>
    public static CalibrationCache Parse(string text, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Split('\n');
        string header = lines[0].TrimEnd('\r');
        (int version, CalibrationCacheAlgorithm algorithm) = ParseHeader(header, sourcePath);
        var entries = new List<KeyValuePair<string, float>>();
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 1; k < lines.Length; k++)
        {
            string line = lines[k].TrimEnd('\r');
            int lineNumber = k + 1;
            if (line.Trim().Length == 0)
            {
                continue;
            }
            int colon = line.LastIndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed(sourcePath, lineNumber, $"expected 'name: hhhhhhhh', found '{line}'");
            }
            string name = line[..colon];
            string hex = line[(colon + 2)..];
            if (hex.Length != 8 || !hex.All(char.IsAsciiHexDigit))
            {
                throw Malformed(sourcePath, lineNumber, $"tensor '{name}': '{hex}' is not 8 hex digits");
            }
            float scale = BitConverter.UInt32BitsToSingle(uint.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            if (!float.IsFinite(scale) || scale <= 0)
            {
                throw Malformed(sourcePath, lineNumber, $"tensor '{name}': scale {scale} (0x{hex}) is not a finite positive number");
            }
            if (lineOf.TryGetValue(name, out int first))
            {
                throw Malformed(sourcePath, lineNumber, $"tensor '{name}' appears again (first on line {first})");
            }
            lineOf.Add(name, lineNumber);
            entries.Add(new(name, scale));
        }
        return new CalibrationCache(version, algorithm, entries, []);
    }

    private static (int Version, CalibrationCacheAlgorithm Algorithm) ParseHeader(string header, string? sourcePath)
    {
        const string expected = "expected 'TRT-<version>-EntropyCalibration2' or 'TRT-<version>-MinMaxCalibration'";
        if (!header.StartsWith("TRT-", StringComparison.Ordinal))
        {
            throw Malformed(sourcePath, 1, $"{expected}, found '{header}'");
        }
        int dash = header.IndexOf('-', 4);
        string number = dash < 0 ? "" : header[4..dash];
        string name = dash < 0 ? "" : header[(dash + 1)..];
        if (number.Length == 0 || number.Length > 9 || !number.All(char.IsAsciiDigit))
        {
            throw Malformed(sourcePath, 1, $"{expected}, found '{header}' (no version number)");
        }
        CalibrationCacheAlgorithm algorithm = name switch
        {
            nameof(CalibrationCacheAlgorithm.EntropyCalibration2) => CalibrationCacheAlgorithm.EntropyCalibration2,
            nameof(CalibrationCacheAlgorithm.MinMaxCalibration) => CalibrationCacheAlgorithm.MinMaxCalibration,
            _ => throw Malformed(sourcePath, 1, $"{expected}, found calibrator '{name}'"),
        };
        return (int.Parse(number, CultureInfo.InvariantCulture), algorithm);
    }

    private static ModelFormatException Malformed(string? path, int line, string reason) =>
        new(path, $"calibration cache line {line}: {Clip(reason)}");

    // Quoted file content stays short and printable: a hostile cache may hold megabytes of binary on one line.
    private static string Clip(string text)
    {
        const int max = 200;
        string printable = new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return printable.Length <= max ? printable : printable[..max] + "…";
    }
}
