using System.Formats.Tar;
using System.IO.Compression;
using TrtSharp.Errors;
using TrtSharp.IO;

namespace TrtSharp.Tools.Models;

/// <summary>Extracts a .tgz while refusing anything that could write outside the destination folder.</summary>
internal static class SafeTarExtractor
{
    /// <summary>
    /// Extracts the regular files and folders of <paramref name="tgzPath"/> into <paramref name="destination"/>,
    /// dropping a leading <paramref name="stripPrefix"/> (npm tarballs put everything under <c>package/</c>).
    /// Links, devices and paths escaping the folder are refused with a <see cref="ModelFormatException"/>.
    /// </summary>
    public static int Extract(string tgzPath, string destination, string stripPrefix, CancellationToken cancellationToken)
    {
        string root = Path.GetFullPath(destination);
        string rootWithSep = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(root);
        int files = 0;
        using var file = File.OpenRead(tgzPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string name = entry.Name.Replace('\\', '/');
                if (name.StartsWith(stripPrefix, StringComparison.Ordinal))
                {
                    name = name[stripPrefix.Length..];
                }
                if (name.Length == 0)
                {
                    continue;
                }
                if (Path.IsPathRooted(name))
                {
                    throw new ModelFormatException(tgzPath, $"archive entry '{entry.Name}' has an absolute path");
                }
                string target = Path.GetFullPath(Path.Combine(root, name));
                if (!target.StartsWith(rootWithSep, StringComparison.Ordinal))
                {
                    throw new ModelFormatException(tgzPath, $"archive entry '{entry.Name}' would be written outside {root}");
                }
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (File.Exists(target))
                        {
                            throw new ModelFormatException(tgzPath, $"archive entry '{entry.Name}' appears twice");
                        }
                        // Through the atomic writer like every output: flushed to disk before the staging folder is renamed into place.
                        AtomicFile.Write(target, s => entry.DataStream?.CopyTo(s));
                        files++;
                        break;
                    case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                        break;
                    default:
                        // Links could point anywhere; a model package has no business shipping them.
                        throw new ModelFormatException(tgzPath, $"archive entry '{entry.Name}' is a {entry.EntryType}, which is not accepted");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ModelFormatException(tgzPath, $"corrupt or truncated archive: {e.Message}", e);
        }
        return files;
    }
}
