using TrtSharp.Errors;

namespace TrtSharp.Datasets;

/// <summary>
/// Turns <c>--data</c> paths into samples, by one set of rules every command shares:
/// <list type="bullet">
/// <item>a <c>.csv</c> file is a manifest (<see cref="SampleManifest"/>): one sample per row;</item>
/// <item>a <c>.npy</c>, <c>.npz</c> or <c>.pb</c> file is one sample;</item>
/// <item>a folder with data files in it: for a one-input model each file is a sample; otherwise each <c>.npz</c> is a
/// sample and the <c>.npy</c>/<c>.pb</c> files together are one (named after their inputs, or <c>input_N.pb</c>);</item>
/// <item>a folder of sub-folders (<c>s000/x.npy</c>, ONNX backend tests' <c>test_data_set_0/input_0.pb</c>): each
/// sub-folder with data files is one sample.</item>
/// </list>
/// Files and folders are taken in ordinal name order; <c>output_*.pb</c> (reference outputs of ONNX backend tests) and
/// other files in data folders are skipped.
/// </summary>
internal static class SampleLayout
{
    private static readonly string[] DataExtensions = [".npy", ".npz", ".pb"];

    /// <summary>True for a <c>.npy</c>, <c>.npz</c> or <c>.pb</c> file name.</summary>
    public static bool IsDataFile(string path) => DataExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The samples <paramref name="paths"/> hold for a model with <paramref name="inputCount"/> inputs.</summary>
    /// <exception cref="ModelFormatException">A path that does not exist or is no data file, a folder mixing loose files and
    /// sample folders, a bad manifest, or no samples at all.</exception>
    public static IReadOnlyList<TensorSample> Discover(IEnumerable<string> paths, int inputCount)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var given = paths.ToList();
        var samples = new List<TensorSample>();
        foreach (string path in given)
        {
            if (Directory.Exists(path))
            {
                samples.AddRange(FromFolder(path, inputCount));
            }
            else if (File.Exists(path))
            {
                if (Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase))
                {
                    samples.AddRange(SampleManifest.Read(path));
                }
                else if (IsDataFile(path))
                {
                    samples.Add(new TensorSample(path, [new SampleFile(path)]));
                }
                else
                {
                    throw new ModelFormatException(path, "not a data file: give .npy, .npz or .pb files, folders of them, or a .csv manifest");
                }
            }
            else
            {
                throw new ModelFormatException(path, "data not found");
            }
        }
        if (samples.Count == 0)
        {
            throw new ModelFormatException(string.Join(", ", given), "no .npy, .npz or .pb files found (the dataset is empty)");
        }
        return samples;
    }

    private static IEnumerable<TensorSample> FromFolder(string folder, int inputCount)
    {
        var loose = DataFiles(folder);
        var sampleFolders = Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal)
            .Select(d => (Folder: d, Files: DataFiles(d))).Where(d => d.Files.Count > 0).ToList();
        if (loose.Count > 0 && sampleFolders.Count > 0)
        {
            throw new ModelFormatException(folder,
                $"holds both data files ({Path.GetFileName(loose[0])}) and per-sample sub-folders ({Path.GetFileName(sampleFolders[0].Folder)}/); keep one layout per folder");
        }
        if (sampleFolders.Count > 0)
        {
            return sampleFolders.Select(d => new TensorSample(d.Folder, [.. d.Files.Select(f => new SampleFile(f))]));
        }
        if (inputCount == 1)
        {
            return loose.Select(f => new TensorSample(f, [new SampleFile(f)]));
        }
        // Several inputs: an archive holds a whole sample; single-tensor files only make one together.
        var archives = loose.Where(IsArchive).Select(f => new TensorSample(f, [new SampleFile(f)])).ToList();
        var tensors = loose.Where(f => !IsArchive(f)).Select(f => new SampleFile(f)).ToList();
        if (tensors.Count > 0)
        {
            archives.Add(new TensorSample(folder, tensors));
        }
        return archives;
    }

    private static bool IsArchive(string file) => Path.GetExtension(file).Equals(".npz", StringComparison.OrdinalIgnoreCase);

    private static List<string> DataFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder)
            .Where(f => IsDataFile(f) && !IsReferenceOutput(f))
            .Order(StringComparer.Ordinal)];

    private static bool IsReferenceOutput(string file) =>
        Path.GetFileName(file).StartsWith("output_", StringComparison.Ordinal) && Path.GetExtension(file).Equals(".pb", StringComparison.OrdinalIgnoreCase);
}
