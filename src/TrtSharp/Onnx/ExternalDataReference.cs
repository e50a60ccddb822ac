using System.Globalization;
using System.Security.Cryptography;
using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>
/// Where an ONNX tensor with <c>data_location = EXTERNAL</c> keeps its bytes: the <c>location</c>,
/// <c>offset</c>, <c>length</c> and <c>checksum</c> keys of its <c>external_data</c> list.
/// </summary>
internal sealed record ExternalDataReference(string Location, long Offset, long? Length, string? Checksum)
{
    /// <summary>True when <paramref name="tensor"/> stores its data in an external file.</summary>
    public static bool IsExternal(TensorProto tensor) =>
        tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External;

    /// <summary>Reads the keys of an external tensor; malformed keys give a <see cref="ModelFormatException"/>.</summary>
    public static ExternalDataReference Parse(TensorProto tensor, string? modelPath)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        string? checksum = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    offset = ParseNumber(entry.Value, "offset", tensor.Name, modelPath);
                    break;
                case "length":
                    length = ParseNumber(entry.Value, "length", tensor.Name, modelPath);
                    break;
                case "checksum":
                    checksum = entry.Value;
                    break;
                default:
                    // Other keys (e.g. "basepath" of old exporters) do not change where the bytes are.
                    break;
            }
        }
        if (string.IsNullOrEmpty(location))
        {
            throw new ModelFormatException(modelPath, $"tensor '{tensor.Name}' is marked external but has no 'location' key");
        }
        return new ExternalDataReference(location, offset, length, checksum);
    }

    private static long ParseNumber(string text, string key, string name, string? modelPath)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw new ModelFormatException(modelPath, $"tensor '{name}': external data '{key}' is not a non-negative integer: '{text}'");
        }
        return value;
    }

    /// <summary>
    /// The absolute path of the data file, which must stay inside <paramref name="baseDirectory"/>:
    /// absolute locations and <c>..</c> escapes are refused (a model must not read arbitrary files).
    /// </summary>
    public string ResolvePath(string baseDirectory, string tensorName, string? modelPath)
    {
        string root = Path.GetFullPath(baseDirectory);
        if (Path.IsPathRooted(Location) || Location.Contains('\0', StringComparison.Ordinal))
        {
            throw new ModelFormatException(modelPath, $"tensor '{tensorName}': external data location '{Location}' must be a relative path inside the model folder");
        }
        string full = Path.GetFullPath(Path.Combine(root, Location));
        string rootWithSep = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSep, StringComparison.Ordinal))
        {
            throw new ModelFormatException(modelPath, $"tensor '{tensorName}': external data location '{Location}' escapes the model folder '{root}'");
        }
        // The lexical check is not enough: a link inside the folder (the file or a folder on the way) may point anywhere.
        string realRoot = RealPath(root);
        string realRootWithSep = Path.EndsInDirectorySeparator(realRoot) ? realRoot : realRoot + Path.DirectorySeparatorChar;
        if (!RealPath(full).StartsWith(realRootWithSep, StringComparison.Ordinal))
        {
            throw new ModelFormatException(modelPath, $"tensor '{tensorName}': external data location '{Location}' escapes the model folder '{root}' through a symbolic link");
        }
        return full;
    }

    // The path with every symbolic link on the way resolved (components that do not exist are kept as they are).
    private static string RealPath(string path, int depth = 0)
    {
        if (depth > 40)
        {
            throw new IOException($"too many levels of symbolic links in '{path}'");
        }
        string current = Path.GetPathRoot(path) ?? string.Empty;
        foreach (string part in path[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                current = RealPath(target.FullName, depth + 1);
            }
        }
        return current;
    }

    /// <summary>
    /// Checks that the file exists and holds [offset, offset+length); returns the resolved path and the
    /// byte count (the rest of the file when no length is given).
    /// </summary>
    public (string Path, long Length) Validate(string baseDirectory, string tensorName, string? modelPath)
    {
        string path = ResolvePath(baseDirectory, tensorName, modelPath);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ModelFormatException(modelPath, $"tensor '{tensorName}': external data file '{Location}' not found (looked for {path})");
        }
        long length = Length ?? info.Length - Offset;
        if (Offset > info.Length || length < 0 || length > info.Length - Offset)
        {
            throw new ModelFormatException(modelPath,
                $"tensor '{tensorName}': external data file '{Location}' has {info.Length} bytes, too few for offset {Offset} + length {length}");
        }
        return (path, length);
    }

    /// <summary>Reads the tensor's bytes, verifying the SHA-1 <c>checksum</c> when the model gives one.</summary>
    public byte[] ReadBytes(string baseDirectory, string tensorName, string? modelPath)
    {
        var (path, length) = Validate(baseDirectory, tensorName, modelPath);
        if (length > Array.MaxLength)
        {
            throw new ModelFormatException(modelPath, $"tensor '{tensorName}': {length} bytes of external data exceed one managed array");
        }
        var bytes = new byte[length];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            stream.Seek(Offset, SeekOrigin.Begin);
            stream.ReadExactly(bytes);
        }
        if (!string.IsNullOrEmpty(Checksum))
        {
            // The ONNX spec defines this key as a SHA-1 digest; it detects corruption, not tampering.
#pragma warning disable CA5350
            string actual = Convert.ToHexStringLower(SHA1.HashData(bytes));
#pragma warning restore CA5350
            if (!actual.Equals(Checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelFormatException(modelPath, $"tensor '{tensorName}': external data in '{Location}' fails its checksum (expected {Checksum}, got {actual})");
            }
        }
        return bytes;
    }
}
