using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>
/// Input tensors from files: <c>name=file</c> pairs (.npy, .pb) and a data path in the layouts every command shares
/// (<see cref="SampleLayout"/>: a file, a folder, per-sample sub-folders, a manifest), whose first sample is used.
/// </summary>
internal static class InputFiles
{
    /// <summary>The tensors read and, per input name, the file it came from.</summary>
    /// <param name="Tensors">Tensors by input name.</param>
    /// <param name="Sources">Per input name, the file it came from.</param>
    /// <param name="DataSamples">How many samples the data path holds (the first is used); 0 without one.</param>
    public sealed record Loaded(Dictionary<string, HostTensor> Tensors, Dictionary<string, string> Sources, int DataSamples = 0);

    /// <summary>
    /// Reads <paramref name="pairs"/> (<c>name=path</c>) and the first sample of <paramref name="dataFolder"/> for a model
    /// with <paramref name="inputs"/>; pairs override the sample's tensors.
    /// </summary>
    /// <exception cref="TensorNotFoundException">A file names no input of the model.</exception>
    /// <exception cref="FormatException">A pair is not <c>name=path</c>.</exception>
    public static Loaded Load(IReadOnlyList<TensorDescriptor> inputs, IEnumerable<string> pairs, string? dataFolder)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(pairs);
        var names = inputs.Select(d => d.Name).ToArray();
        var loaded = new Loaded(new Dictionary<string, HostTensor>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
        if (dataFolder is not null)
        {
            // The same layouts and reader as calibration data; one sample feeds a run, inputs it leaves out are random.
            TensorSampleSet set = TensorSampleSet.Open([dataFolder], inputs, requireAllInputs: false);
            LoadedSample first = set.Read(0);
            foreach ((string name, HostTensor tensor) in first.Tensors)
            {
                loaded.Tensors[name] = tensor;
                loaded.Sources[name] = first.Sources[name];
            }
            loaded = loaded with { DataSamples = set.Samples.Count };
        }
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                throw new FormatException($"'{pair}': expected name=file (a .npy or .pb file)");
            }
            LoadFile(pair[(eq + 1)..], pair[..eq], names, loaded);
        }
        return loaded;
    }

    private static void LoadFile(string file, string name, string[] names, Loaded loaded)
    {
        ExistingFile.Require(file);
        HostTensor tensor = Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".npy" => NpyFile.Read(file),
            ".pb" => TensorProtoFile.Read(file).Tensor,
            _ => throw new FormatException($"{file}: input files must be .npy or .pb" + (file.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? " (give .npz archives with --data)" : string.Empty)),
        };
        Add(name, tensor, file, names, loaded);
    }

    private static void Add(string name, HostTensor tensor, string source, string[] names, Loaded loaded)
    {
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            throw new TensorNotFoundException(name, names);
        }
        loaded.Tensors[name] = tensor;
        loaded.Sources[name] = source;
    }
}
