using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Datasets;

/// <summary>
/// The samples that <c>--data</c> paths hold for one model, laid out by <see cref="SampleLayout"/> and read by one
/// reader for every command (quantize, build, compare, run, bench). Samples are read one at a time. When the set is
/// opened the first sample is read and checked, and every other sample made of <c>.npy</c> files is checked from its
/// headers, so a file that misses an input or has the wrong shape or type is reported before any long work.
/// </summary>
public sealed class TensorSampleSet
{
    private readonly IReadOnlyList<TensorDescriptor> _inputs;
    private readonly bool _requireAll;

    private TensorSampleSet(IReadOnlyList<TensorSample> samples, IReadOnlyList<TensorDescriptor> inputs, bool requireAll)
    {
        Samples = samples;
        _inputs = inputs;
        _requireAll = requireAll;
    }

    /// <summary>The samples, in order.</summary>
    public IReadOnlyList<TensorSample> Samples { get; }

    /// <summary>What the data is, for reports.</summary>
    public string Description
    {
        get
        {
            int files = Samples.Sum(s => s.Files.Count);
            return $"{Samples.Count} sample(s) in {files} tensor file(s) (.npy/.npz/.pb)";
        }
    }

    /// <summary>
    /// Finds the samples in <paramref name="paths"/> for a model with <paramref name="inputs"/>, reads and checks the first,
    /// and checks the headers of every other sample made of <c>.npy</c> files.
    /// With <paramref name="requireAllInputs"/> false a sample may leave inputs out (a caller fills them otherwise).
    /// </summary>
    /// <exception cref="ModelFormatException">See <see cref="SampleLayout.Discover"/>; or a sample does not fit the model (naming its file).</exception>
    public static TensorSampleSet Open(IEnumerable<string> paths, IReadOnlyList<TensorDescriptor> inputs, bool requireAllInputs = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var set = new TensorSampleSet(SampleLayout.Discover(paths, inputs.Count), inputs, requireAllInputs);
        _ = set.Read(0);
        // .npy headers are a few hundred bytes: checking every sample's costs little and finds a bad file before calibration, not after.
        foreach (TensorSample sample in set.Samples.Skip(1))
        {
            SampleReader.CheckHeaders(sample, inputs, requireAllInputs);
        }
        return set;
    }

    /// <summary>Reads sample <paramref name="index"/> and checks it against the model's inputs.</summary>
    /// <exception cref="ModelFormatException">The sample does not fit the model (the message names the file).</exception>
    public LoadedSample Read(int index) => SampleReader.Read(Samples[index], _inputs, _requireAll);

    /// <summary>Reads every sample in order, one at a time.</summary>
    public IEnumerable<IReadOnlyDictionary<string, HostTensor>> ReadAll(CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < Samples.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Read(i).Tensors;
        }
    }
}
