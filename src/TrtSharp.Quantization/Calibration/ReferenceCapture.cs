using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// The float32 model outputs a calibration run keeps for judging quantized candidates: every <see cref="Period"/>th
/// batch is held back from the histograms, and the outputs of the first <see cref="Limit"/> of those are kept, so the
/// calibration session doubles as the float reference (no second float session, no second pass over those batches).
/// Held-back batches past the limit are not run at all: judging costs a bounded number of passes, and what is
/// calibrated on does not depend on the limit. When the dataset turns out to hold fewer than <see cref="Period"/>
/// batches nothing could be held back, and the outputs of every batch are kept instead. The values of
/// <see cref="Activations"/> are kept too, from one batch: the first held back, or the first batch when none is.
/// </summary>
internal sealed class ReferenceCapture(int period, int limit = int.MaxValue)
{
    private readonly List<IReadOnlyDictionary<string, HostTensor>> _heldBack = [];
    private readonly List<IReadOnlyDictionary<string, HostTensor>> _early = [];
    private readonly Dictionary<string, HostTensor<float>> _activations = new(StringComparer.Ordinal);

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

    /// <summary>Float activations whose values of one batch are kept (<see cref="ActivationValues"/>).</summary>
    public IReadOnlySet<string> Activations { get; init; } = new HashSet<string>();

    /// <summary>
    /// Which of <see cref="Activations"/> keep only their first sample (index 0 of the first axis), to bound the memory
    /// and the work of what reads them.
    /// </summary>
    public IReadOnlySet<string> FirstSampleOnly { get; init; } = new HashSet<string>();

    /// <summary>The kept values of <see cref="Activations"/> (of the first held-back batch, or of the first batch when none was held back).</summary>
    public IReadOnlyDictionary<string, HostTensor<float>> ActivationValues => _activations;

    /// <summary>Whether batch <paramref name="index"/>'s values of <see cref="Activations"/> are to be kept (<see cref="AddActivation"/>).</summary>
    public bool KeepsActivations(long index) => Activations.Count > 0 && (index == 0 || index == Period - 1);

    /// <summary>Keeps a copy of <paramref name="name"/>'s values (replacing those of an earlier batch).</summary>
    internal void AddActivation(string name, HostTensor<float> value)
    {
        long[] shape = value.ShapeArray();
        int count = (int)value.ElementCount;
        if (FirstSampleOnly.Contains(name) && shape.Length > 0 && shape[0] > 1)
        {
            count /= (int)shape[0];
            shape[0] = 1;
        }
        _activations[name] = new HostTensor<float>(shape, value.Span[..count].ToArray());
    }

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
