using TrtSharp.Cuda;
using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.TensorRT;

/// <summary>
/// Feeds TensorRT 10's legacy INT8 calibrator from an <see cref="ICalibrationDataset"/> (the same datasets
/// <c>trtsharp quantize</c> reads): each batch is copied into device buffers that live as long as this source.
/// TensorRT calibrates at one fixed shape per input (the first profile's opt shape, told through
/// <see cref="OnCalibrationShapes"/>), so batches of any other shape (typically a smaller last batch) are skipped and
/// counted in <see cref="SkippedBatches"/>; when no batch fits, calibration fails with both shapes named. With a cache path, an existing cache is offered
/// first (TensorRT then skips calibration) and the cache TensorRT writes is saved there atomically.
/// </summary>
public sealed class DatasetCalibrationSource : ICalibrationBatchSource, IDisposable
{
    private readonly ICalibrationDataset _data;
    private readonly CalibrationCacheSource? _cache;
    private readonly Dictionary<string, DeviceBuffer<byte>> _device = new(StringComparer.Ordinal);
    private IEnumerator<IReadOnlyDictionary<string, HostTensor>>? _batches;
    private Dictionary<string, long[]>? _shapes;
    private string? _lastSkipped;
    private bool _disposed;

    /// <summary>Creates the source; nothing is read or allocated until TensorRT asks for the first batch.</summary>
    public DatasetCalibrationSource(ICalibrationDataset data, string? cachePath = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        _cache = cachePath is null ? null : new CalibrationCacheSource(cachePath);
    }

    /// <summary>Batches handed to TensorRT so far.</summary>
    public int BatchesServed { get; private set; }

    /// <summary>Batches left out because their shapes differ from the first batch's.</summary>
    public int SkippedBatches { get; private set; }

    /// <inheritdoc />
    public void OnCalibrationShapes(IReadOnlyDictionary<string, long[]> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        _shapes = new Dictionary<string, long[]>(shapes, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public bool TryGetBatch(IReadOnlyList<string> inputNames, Span<IntPtr> devicePointers)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _batches ??= _data.Batches().GetEnumerator();
        while (_batches.MoveNext())
        {
            var batch = _batches.Current;
            // Without shapes from the builder (a caller driving the source directly), the first batch sets them.
            _shapes ??= batch.ToDictionary(p => p.Key, p => p.Value.ShapeArray(), StringComparer.Ordinal);
            if (inputNames.FirstOrDefault(n => !batch.ContainsKey(n)) is string absent)
            {
                throw new TensorShapeException(absent, $"the calibration data ({_data.Description}) has no value for this engine input");
            }
            if (!inputNames.All(n => _shapes.TryGetValue(n, out var s) && s.AsSpan().SequenceEqual(batch[n].Shape)))
            {
                _lastSkipped ??= string.Join(", ", batch.Select(p => $"{p.Key}:{HostTensor.FormatShape(p.Value.Shape)}"));
                SkippedBatches++;
                continue;
            }
            for (int i = 0; i < inputNames.Count; i++)
            {
                var bytes = batch[inputNames[i]].AsBytes();
                if (!_device.TryGetValue(inputNames[i], out var buffer))
                {
                    buffer = new DeviceBuffer<byte>(Math.Max(1, bytes.Length));
                    _device[inputNames[i]] = buffer;
                }
                using var stream = new CudaStream();
                buffer.CopyFromHost(bytes, stream);
                stream.Synchronize();
                devicePointers[i] = buffer.Pointer;
            }
            BatchesServed++;
            return true;
        }
        if (BatchesServed == 0 && SkippedBatches > 0)
        {
            throw new TensorShapeException(null,
                $"no calibration batch of {_data.Description} has the shape TensorRT calibrates at ({string.Join(", ", _shapes!.Select(p => $"{p.Key}:{HostTensor.FormatShape(p.Value)}"))}); " +
                $"they are {_lastSkipped}: make the optimization profile's opt shape match the batches");
        }
        return false;
    }

    /// <inheritdoc />
    public byte[]? ReadCache() => _cache?.ReadCache();

    /// <inheritdoc />
    public void WriteCache(ReadOnlySpan<byte> cache) => _cache?.WriteCache(cache);

    /// <summary>Frees the device buffers (after the build that used this source has returned).</summary>
    public void Dispose()
    {
        _disposed = true;
        _batches?.Dispose();
        foreach (var b in _device.Values)
        {
            b.Dispose();
        }
        _device.Clear();
    }
}
