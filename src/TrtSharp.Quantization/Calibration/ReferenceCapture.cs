using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// The float32 model outputs a calibration run keeps for judging quantized candidates: every <see cref="Period"/>th
/// batch is held back from the histograms, and the outputs of the first <see cref="Limit"/> of those are kept, so the
/// calibration session doubles as the float reference (no second float session, no second pass over those batches).
/// Held-back batches past the limit are not run at all: judging costs a bounded number of passes, and what is
/// calibrated on does not depend on the limit. When the dataset turns out to hold fewer than <see cref="Period"/>
/// batches nothing could be held back, and the outputs of every batch are kept instead. The values of
/// <see cref="Activations"/> are kept too, from the first batch.
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

    /// <summary>
    /// Float activations whose values of the first batch are kept (<see cref="ActivationValues"/>): a calibrated batch,
    /// so what is measured on them stays apart from the held-back batches the candidates are judged on.
    /// </summary>
    public IReadOnlySet<string> Activations { get; init; } = new HashSet<string>();

    /// <summary>
    /// Which of <see cref="Activations"/> are laid out [N, C, spatial…] with each sample and position computed alike
    /// (convolution inputs): they keep their first sample only, and the central half of every spatial axis of at least
    /// <see cref="CropSide"/> values, which bounds the memory and the work of what reads them.
    /// </summary>
    public IReadOnlySet<string> Cropped { get; init; } = new HashSet<string>();

    /// <summary>
    /// Which of <see cref="Activations"/> are read row by row (a MatMul's or Gemm's first input): they keep their first
    /// sample when they have batch axes, or their first <see cref="MaxRows"/> rows when they are a matrix.
    /// </summary>
    public IReadOnlySet<string> LeadingRows { get; init; } = new HashSet<string>();

    /// <summary>Smallest spatial side a <see cref="Cropped"/> activation is cut to its central half at.</summary>
    public const int CropSide = 64;

    /// <summary>Most rows a <see cref="LeadingRows"/> matrix keeps.</summary>
    public const int MaxRows = 256;

    /// <summary>The kept values of <see cref="Activations"/>, from the first batch.</summary>
    public IReadOnlyDictionary<string, HostTensor<float>> ActivationValues => _activations;

    /// <summary>Whether batch <paramref name="index"/>'s values of <see cref="Activations"/> are to be kept (<see cref="AddActivation"/>).</summary>
    public bool KeepsActivations(long index) => Activations.Count > 0 && index == 0;

    /// <summary>
    /// Keeps a copy of <paramref name="name"/>'s values (cut down as <see cref="Cropped"/> and <see cref="LeadingRows"/>
    /// say), then applies <paramref name="transform"/> to the copy in place.
    /// </summary>
    internal void AddActivation(string name, HostTensor<float> value, Action<Span<float>>? transform = null)
    {
        long[] shape = value.ShapeArray();
        long[] kept = (long[])shape.Clone();
        long[] offsets = new long[shape.Length];
        if (Cropped.Contains(name) && shape.Length >= 2)
        {
            kept[0] = Math.Min(1, shape[0]);
            for (int axis = 2; axis < shape.Length; axis++)
            {
                if (shape[axis] >= CropSide)
                {
                    kept[axis] = shape[axis] / 2;
                    offsets[axis] = (shape[axis] - kept[axis]) / 2;
                }
            }
        }
        else if (LeadingRows.Contains(name) && shape.Length >= 2)
        {
            kept[0] = Math.Min(shape.Length >= 3 ? 1 : MaxRows, shape[0]);
        }
        var copy = new HostTensor<float>(kept, new float[HostTensor.ShapeElementCount(kept)]);
        CopyBox(value.Span, shape, offsets, copy.Span, kept, 0);
        transform?.Invoke(copy.Span);
        _activations[name] = copy;
    }

    // Copies the box of size 'kept' at 'offsets' of a row-major tensor of 'shape' (from 'axis' on) into 'destination'.
    private static void CopyBox(ReadOnlySpan<float> source, long[] shape, long[] offsets, Span<float> destination, long[] kept, int axis)
    {
        if (axis == shape.Length || shape.AsSpan(axis + 1).SequenceEqual(kept.AsSpan(axis + 1)))
        {
            // From here on the box is contiguous: one copy.
            int inner = (int)HostTensor.ShapeElementCount(shape.AsSpan(Math.Min(axis + 1, shape.Length)));
            source.Slice(axis == shape.Length ? 0 : (int)(offsets[axis] * inner), destination.Length).CopyTo(destination);
            return;
        }
        int sourceStride = (int)HostTensor.ShapeElementCount(shape.AsSpan(axis + 1));
        int destinationStride = (int)HostTensor.ShapeElementCount(kept.AsSpan(axis + 1));
        for (long i = 0; i < kept[axis]; i++)
        {
            CopyBox(source.Slice((int)((offsets[axis] + i) * sourceStride), sourceStride), shape, offsets,
                destination.Slice((int)(i * destinationStride), destinationStride), kept, axis + 1);
        }
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
