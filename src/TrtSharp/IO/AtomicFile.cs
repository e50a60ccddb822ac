namespace TrtSharp.IO;

/// <summary>
/// Writes files so that readers see either the old file or the complete new one, never half a file:
/// data goes to a temporary file in the same folder, is flushed to disk, then renamed over the target.
/// Every file TrtSharp writes goes through here (a process killed mid-write leaves at most a hidden temporary file).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="write"/>'s output to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using PendingFile pending = Begin(path);
        write(pending.Stream);
        pending.Commit();
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using PendingFile pending = Begin(path);
        pending.Stream.Write(bytes);
        pending.Commit();
    }

    /// <summary>Writes UTF-8 text (no BOM) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>
    /// Starts writing <paramref name="path"/>: write through <see cref="PendingFile.Stream"/> (or let another
    /// library write <see cref="PendingFile.TempPath"/>), then <see cref="PendingFile.Commit"/>. Disposing without a
    /// commit deletes the temporary file and leaves <paramref name="path"/> as it was. Use it when a file must only
    /// appear once something else has succeeded (e.g. a model's external data before the model itself).
    /// </summary>
    /// <param name="path">The final file name.</param>
    /// <param name="keepExtension">Ends the temporary name with <paramref name="path"/>'s extension, for writers
    /// that choose the format by it (ONNX Runtime's optimized model: <c>.ort</c> or ONNX).</param>
    public static PendingFile Begin(string path, bool keepExtension = false)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full) ?? ".");
        return new PendingFile(full, TempPathFor(full, keepExtension));
    }

    /// <summary>A temporary path beside <paramref name="path"/> (same folder, so the rename stays on one file system).</summary>
    public static string TempPathFor(string path, bool keepExtension = false)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string unique = $"{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        return keepExtension
            ? Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(full)}.{unique}{Path.GetExtension(full)}")
            : Path.Combine(folder, $".{Path.GetFileName(full)}.{unique}");
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
