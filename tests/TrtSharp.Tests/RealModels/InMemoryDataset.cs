using TrtSharp.Datasets;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.RealModels;

/// <summary>A calibration or held-out set already in memory (the suite's samples are few and small).</summary>
internal sealed class InMemoryDataset(string description, IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> samples) : ICalibrationDataset
{
    public string Description => description;

    public IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> Samples => samples;

    public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) => samples;
}
