using TrtSharp.IO;
using System.IO.Compression;
using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Numpy;

/// <summary>
/// NumPy <c>.npz</c> archives: a zip of <c>.npy</c> files (stored or deflated), keyed by the entry name
/// without its <c>.npy</c> suffix, as <c>numpy.savez</c> / <c>numpy.savez_compressed</c> write them.
/// </summary>
public static class NpzFile
{
    /// <summary>
    /// The largest expansion accepted for a member above <see cref="SmallMember"/> bytes, and for the archive as a whole:
    /// tensor data compresses a few times at most, while zip bombs expand a thousandfold.
    /// </summary>
    public const int MaxCompressionRatio = 100;

    /// <summary>Members up to this size (16 MiB) may expand any amount: all-zero arrays are legitimate and small.</summary>
    public const long SmallMember = 16L << 20;

    /// <summary>Reads every array of <paramref name="path"/>, in archive order. Entries not ending in .npy are skipped.</summary>
    /// <exception cref="ModelFormatException">Missing, corrupt or truncated archive, or a bad member.</exception>
    public static IReadOnlyDictionary<string, HostTensor> Read(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read .npz archive: {e.Message}", e);
        }
        using (file)
        {
            return Read(file, path);
        }
    }

    /// <summary>Reads every array of an archive in a seekable <paramref name="stream"/>; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">Corrupt or truncated archive, a zip bomb, or a bad member.</exception>
    public static IReadOnlyDictionary<string, HostTensor> Read(Stream stream, string? path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        try
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            CheckExpansion(archive, path, stream.Length);
            foreach (var entry in archive.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                {
                    continue;
                }
                string key = entry.FullName[..^4];
                using var member = entry.Open();
                result[key] = NpyFile.Read(member, $"{path}[{entry.FullName}]", entry.Length);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(path, $"not a valid .npz (zip) archive: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read .npz archive: {e.Message}", e);
        }
        return result;
    }

    // Refuses zip bombs from the sizes the directory declares, before anything is decompressed or allocated.
    // The member reader then never reads past a member's declared size, so a directory that understates it cannot expand more.
    private static void CheckExpansion(ZipArchive archive, string? path, long fileLength)
    {
        long total = 0;
        foreach (var entry in archive.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal)))
        {
            if (entry.Length > SmallMember && entry.Length / Math.Max(entry.CompressedLength, 1) > MaxCompressionRatio)
            {
                throw new ModelFormatException(path,
                    $"member '{entry.FullName}' expands from {entry.CompressedLength} to {entry.Length} bytes, a compression ratio above {MaxCompressionRatio} (a zip bomb?)");
            }
            total = entry.Length > long.MaxValue - total ? long.MaxValue : total + entry.Length;
        }
        if (total > SmallMember && total / Math.Max(fileLength, 1) > MaxCompressionRatio)
        {
            throw new ModelFormatException(path,
                $"members expand to {total} bytes from a {fileLength}-byte archive, a compression ratio above {MaxCompressionRatio} (a zip bomb?)");
        }
    }

    /// <summary>
    /// Writes <paramref name="arrays"/> to <paramref name="path"/> atomically, one <c>key.npy</c> entry each,
    /// deflated when <paramref name="compress"/> is true (like <c>savez_compressed</c>), else stored.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, HostTensor> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        foreach (var (key, tensor) in arrays)
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(arrays));
            NpyDType.ToDescr(tensor.ElementType);
        }
        AtomicFile.Write(path, file =>
        {
            using var archive = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (key, tensor) in arrays)
            {
                var entry = archive.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var stream = entry.Open();
                NpyFile.Write(stream, tensor);
            }
        });
    }
}
