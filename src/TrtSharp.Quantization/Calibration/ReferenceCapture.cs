using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// The float32 model outputs a calibration run keeps for judging quantized candidates: every <see cref="Period"/>th
/// batch is held back from the histograms, and the outputs of the first <see cref="Limit"/> of those are kept, so the
/// calibration session doubles as the float reference (no second float session, no second pass over those batches).
/// Held-back batches past the limit are not run at all: judging costs a bounded number of passes, and what is
/// calibrated on does not depend on the limit. When the dataset turns out to hold fewer than <see cref="Period"/>
/// batches nothing could be held back, and the outputs of every batch are kept instead.
/// </summary>
internal sealed class ReferenceCapture(int period, int limit = int.MaxValue)
{
    private readonly List<IReadOnlyDictionary<string, HostTensor>> _heldBack = [];
    private readonly List<IReadOnlyDictionary<string, HostTensor>> _early = [];

    /// <summary>One batch in this many (the last of each group) is held back.</summary>
    public int Period { get; } = period >= 2 ? period : throw new ArgumentOutOfRangeException(nameof(period), "the period must be at least 2");

    /// <summary>Most held-back batches whose outputs are kept (judged on); later held-back batches are skipped.</summary>
    public int Limit { get; } = limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), "at least one batch must be judged on");

    /// <summary>Whether batch <paramref name="index"/> (0-based) is held back from calibration.</summary>
    public bool IsHeldBack(long index) => index % Period == Period - 1;

    /// <summary>Whether batch <paramref name="index"/> is held back but past <see cref="Limit"/>: neither calibrated nor judged, so not run.</summary>
    public bool IsSkipped(long index) => IsHeldBack(index) && index / Period >= Limit;

    /// <summary>Whether batch <paramref name="index"/>'s outputs are kept although it is calibrated on (in case nothing gets held back).</summary>
    public bool KeepsCalibrated(long index) => index < Period - 1;

    /// <summary>Whether some batch was held back (otherwise <see cref="Outputs"/> are those of the calibrated batches).</summary>
    public bool AnyHeldBack => _heldBack.Count > 0;

    /// <summary>The float outputs per judged batch, in dataset order: the held-back batches, or every batch when none was.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> Outputs => AnyHeldBack ? _heldBack : _early;

    /// <summary>Keeps a copy of one batch's outputs (the binding's buffers are reused by the next run).</summary>
    internal void Add(long index, IEnumerable<(string Name, HostTensor Value)> outputs)
    {
        var copy = outputs.ToDictionary(o => o.Name, o => Copy(o.Value), StringComparer.Ordinal);
        if (IsHeldBack(index))
        {
            _heldBack.Add(copy);
            _early.Clear();
        }
        else if (!AnyHeldBack)
        {
            _early.Add(copy);
        }
    }

    private static HostTensor Copy(HostTensor value)
    {
        var copy = HostTensor.Allocate(value.ElementType, value.ShapeArray());
        value.AsBytes().CopyTo(copy.AsBytes());
        return copy;
    }
}
