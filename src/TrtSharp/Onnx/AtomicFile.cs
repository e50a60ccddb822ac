namespace TrtSharp.Onnx;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so that readers never see a half-written
/// file and a failure leaves the previous file (if any) untouched.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Creates the temporary path beside <paramref name="path"/> (same folder, so the rename stays on one file system).</summary>
    public static string TempPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        return Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>; the file appears only when the write succeeded.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        string temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
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

    /// <summary>Deletes a leftover temporary file, ignoring failures (it is only clutter).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
