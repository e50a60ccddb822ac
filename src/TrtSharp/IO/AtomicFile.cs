namespace TrtSharp.IO;

/// <summary>
/// Writes files so that readers see either the old file or the complete new one, never half a file:
/// data goes to a temporary file in the same folder, is flushed to disk, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="write"/>'s output to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full) ?? ".");
        string temp = TempPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes UTF-8 text (no BOM) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>A temporary path beside <paramref name="path"/> (same folder, so the rename stays on one file system).</summary>
    public static string TempPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Deletes a leftover temporary file, ignoring failures (it is only clutter).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error matters more than a leftover temp file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
