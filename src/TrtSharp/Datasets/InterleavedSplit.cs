using TrtSharp.Tensors;

namespace TrtSharp.Datasets;

/// <summary>
/// Every <c>n</c>-th batch of a dataset, or all the others: splits a calibration set into a part that calibrates and a
/// part that judges the result, without reading the data twice or holding it in memory.
/// </summary>
/// <param name="inner">The dataset to split.</param>
/// <param name="every">Period of the split (e.g. 4: batches 3, 7, 11, … form the held-back part).</param>
/// <param name="heldBack">True for the held-back part (one batch in <paramref name="every"/>), false for the rest.</param>
/// <param name="limit">Most batches of the held-back part read (the first ones); the other part is not limited.</param>
internal sealed class InterleavedSplit(ICalibrationDataset inner, int every, bool heldBack, int limit = int.MaxValue) : ICalibrationDataset
{
    private readonly int _limit = limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), "the limit must be at least 1");

    /// <inheritdoc/>
    public string Description => heldBack
        ? $"every {every}th batch of {inner.Description}{(_limit == int.MaxValue ? string.Empty : $", the first {_limit}")}"
        : $"{inner.Description} without every {every}th batch";

    /// <inheritdoc/>
    public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default)
    {
        long index = 0, yielded = 0;
        foreach (IReadOnlyDictionary<string, HostTensor> batch in inner.Batches(cancellationToken))
        {
            if ((index++ % every == every - 1) == heldBack)
            {
                yield return batch;
                if (heldBack && ++yielded == _limit)
                {
                    yield break; // the rest need not be read
                }
            }
        }
    }
}
