namespace TrtSharp.TensorRT;

/// <summary>
/// A legacy-calibrator source backed only by a cache file: it offers the cache when the file exists and no batches,
/// and writes the cache TensorRT produces back to the file (atomically).
/// </summary>
public sealed class CalibrationCacheSource(string path) : ICalibrationBatchSource
{
    /// <summary>The cache file.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public bool TryGetBatch(IReadOnlyList<string> inputNames, Span<IntPtr> devicePointers) => false;

    /// <inheritdoc />
    public byte[]? ReadCache() => File.Exists(Path) ? File.ReadAllBytes(Path) : null;

    /// <inheritdoc />
    public void WriteCache(ReadOnlySpan<byte> cache) => IO.AtomicFile.WriteAllBytes(Path, cache);
}
