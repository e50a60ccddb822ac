using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Datasets;

/// <summary>
/// Calibration or validation samples from tensor files (<c>.npy</c>, <c>.npz</c>, <c>.pb</c>), in any layout
/// <see cref="SampleLayout"/> accepts (files, folders, per-sample sub-folders, a <c>.csv</c> manifest), read one sample
/// at a time by the reader every command shares. A file holds one sample or a batch.
/// </summary>
public sealed class TensorFileDataset : ICalibrationDataset
{
    private readonly TensorSampleSet _samples;

    /// <summary>Creates the dataset over <paramref name="paths"/> and checks its first sample against <paramref name="modelInputs"/>.</summary>
    /// <exception cref="ModelFormatException">A path that does not exist, no data files at all, or a first sample that does not fit.</exception>
    public TensorFileDataset(IEnumerable<string> paths, IReadOnlyList<TensorDescriptor> modelInputs) =>
        _samples = TensorSampleSet.Open(paths, modelInputs);

    /// <summary>The samples found.</summary>
    public int Count => _samples.Samples.Count;

    /// <summary>Where the first sample comes from (a file, a folder or a manifest row), for messages.</summary>
    public string FirstSampleName => _samples.Samples[0].Name;

    /// <inheritdoc/>
    public string Description => _samples.Description;

    /// <inheritdoc/>
    public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) =>
        _samples.ReadAll(cancellationToken);
}
