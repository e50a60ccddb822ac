namespace TrtSharp.IO;

/// <summary>
/// A file being written under a temporary name beside its final one (<see cref="AtomicFile.Begin"/>):
/// <see cref="Commit"/> flushes it to disk and renames it into place; <see cref="Dispose"/> without a commit deletes it.
/// </summary>
internal sealed class PendingFile : IDisposable
{
    private FileStream? _stream;
    private bool _done;

    internal PendingFile(string path, string tempPath)
    {
        Path = path;
        TempPath = tempPath;
    }

    /// <summary>The final file name.</summary>
    public string Path { get; }

    /// <summary>Where the data is written until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    /// <summary>The temporary file, created on first use (fails if another writer owns the name).</summary>
    public Stream Stream
    {
        get
        {
            ObjectDisposedException.ThrowIf(_done, this);
            return _stream ??= new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
    }

    /// <summary>Flushes the data to disk and renames the temporary file over <see cref="Path"/>.</summary>
    /// <exception cref="IOException">Nothing was written to <see cref="TempPath"/>.</exception>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (_stream is null)
        {
            // Written by someone else through TempPath: reopen it only to push it to disk before the rename.
            if (!File.Exists(TempPath))
            {
                throw new IOException($"nothing was written for {Path}");
            }
            _stream = new FileStream(TempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
        }
        // Durable before visible: after a power loss the final name must not point at unwritten blocks.
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(TempPath, Path, overwrite: true);
        _done = true;
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> ran.</summary>
    public void Dispose()
    {
        if (_done)
        {
            return;
        }
        _done = true;
        _stream?.Dispose();
        AtomicFile.TryDelete(TempPath);
    }
}
