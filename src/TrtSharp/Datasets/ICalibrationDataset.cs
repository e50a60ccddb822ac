using TrtSharp.Tensors;

namespace TrtSharp.Datasets;

/// <summary>
/// A stream of model input batches for calibration or validation. Implementations read one sample or batch
/// at a time and never hold the whole dataset in memory.
/// </summary>
public interface ICalibrationDataset
{
    /// <summary>What the data is, for reports (e.g. "48 WAV clips through melspectrogram.onnx").</summary>
    string Description { get; }

    /// <summary>Yields batches keyed by model input name.</summary>
    IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default);
}
