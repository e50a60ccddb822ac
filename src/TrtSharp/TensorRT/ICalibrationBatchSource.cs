namespace TrtSharp.TensorRT;

/// <summary>
/// Feeds TensorRT 10's legacy INT8 calibrator: one batch at a time, as device pointers per input name.
/// On TensorRT 11 there is no legacy calibrator; quantize with Q/DQ (<c>trtsharp quantize</c>) instead.
/// </summary>
public interface ICalibrationBatchSource
{
    /// <summary>
    /// Fills <paramref name="devicePointers"/>[i] with a device buffer holding the next batch for <paramref name="inputNames"/>[i];
    /// returns false when there are no more batches. Called on a TensorRT thread; must not throw.
    /// </summary>
    bool TryGetBatch(IReadOnlyList<string> inputNames, Span<IntPtr> devicePointers);

    /// <summary>A previously written calibration cache, or null to calibrate from batches.</summary>
    byte[]? ReadCache();

    /// <summary>Persists the calibration cache TensorRT produced.</summary>
    void WriteCache(ReadOnlySpan<byte> cache);

    /// <summary>
    /// Told before the build the shape TensorRT calibrates each input at (the first profile's opt shape, or the static
    /// shape): every batch must have exactly these shapes, or TensorRT reads past the buffers.
    /// </summary>
    void OnCalibrationShapes(IReadOnlyDictionary<string, long[]> shapes)
    {
    }
}
