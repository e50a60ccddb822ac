using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;

namespace TrtSharp.Calibration.Datasets;

/// <summary>
/// Calibration samples from files, read one file at a time: <c>.npz</c> archives keyed by input name,
/// <c>.npy</c> files (for a single-input model, or named <c>&lt;input&gt;.npy</c>), and ONNX <c>TensorProto</c>
/// <c>.pb</c> files (matched by the tensor's name, or to the only input). A file holds one sample or a batch:
/// a tensor one rank short of the model input gets a leading batch dimension of 1.
/// </summary>
public sealed class TensorFileDataset : ICalibrationDataset
{
    private static readonly string[] Extensions = [".npy", ".npz", ".pb"];
    private readonly List<string> _files;
    private readonly IReadOnlyList<TensorDescriptor> _inputs;

    /// <summary>Creates the dataset over <paramref name="paths"/>: files, or folders whose data files are taken in name order.</summary>
    /// <exception cref="ModelFormatException">A path that does not exist, or no data files at all.</exception>
    public TensorFileDataset(IEnumerable<string> paths, IReadOnlyList<TensorDescriptor> modelInputs)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _inputs = modelInputs;
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new ModelFormatException(path, "calibration data not found");
            }
        }
        if (files.Count == 0)
        {
            throw new ModelFormatException(string.Join(", ", paths), "no .npy, .npz or .pb calibration files found (the dataset is empty)");
        }
        _files = files;
    }

    /// <inheritdoc/>
    public string Description => $"{_files.Count} tensor files (.npy/.npz/.pb)";

    /// <inheritdoc/>
    public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default)
    {
        foreach (string file in _files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Read(file);
        }
    }

    private Dictionary<string, HostTensor> Read(string file)
    {
        var sample = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        switch (Path.GetExtension(file).ToLowerInvariant())
        {
            case ".npz":
                foreach (var (name, tensor) in NpzFile.Read(file))
                {
                    sample[name] = tensor;
                }
                break;
            case ".npy":
                sample[NameFor(file, Path.GetFileNameWithoutExtension(file))] = NpyFile.Read(file);
                break;
            default:
                var (protoName, pb) = TensorProtoFile.Read(file);
                sample[NameFor(file, protoName)] = pb;
                break;
        }
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in sample)
        {
            var input = _inputs.FirstOrDefault(i => i.Name == name)
                ?? throw new ModelFormatException(file, $"'{name}' is not a model input (inputs: {string.Join(", ", _inputs.Select(i => i.Name))})");
            result[name] = Batched(file, input, tensor);
        }
        foreach (var input in _inputs.Where(i => !result.ContainsKey(i.Name)))
        {
            throw new ModelFormatException(file, $"the sample has no value for input '{input.Name}'");
        }
        return result;
    }

    // A .npy or .pb names its input by file/tensor name; a single-input model takes any name.
    private string NameFor(string file, string candidate)
    {
        if (_inputs.Any(i => i.Name == candidate))
        {
            return candidate;
        }
        if (_inputs.Count == 1)
        {
            return _inputs[0].Name;
        }
        throw new ModelFormatException(file, $"cannot tell which input '{candidate}' is for; name the file after an input ({string.Join(", ", _inputs.Select(i => i.Name))}) or use .npz");
    }

    private static HostTensor Batched(string file, TensorDescriptor input, HostTensor tensor)
    {
        if (tensor.ElementType != input.ElementType)
        {
            throw new ModelFormatException(file, $"input '{input.Name}' is {TensorElementTypeInfo.Name(input.ElementType)}, the file holds {TensorElementTypeInfo.Name(tensor.ElementType)}");
        }
        long[] shape = tensor.ShapeArray();
        if (shape.Length == input.Shape.Length - 1)
        {
            shape = [1, .. shape];
        }
        if (shape.Length != input.Shape.Length)
        {
            throw new ModelFormatException(file, $"shape {HostTensor.FormatShape(tensor.Shape)} does not fit input {input}");
        }
        for (int i = 0; i < shape.Length; i++)
        {
            if (input.Shape[i] >= 0 && input.Shape[i] != shape[i] && !(i == 0 && input.Shape.Length > 1))
            {
                throw new ModelFormatException(file, $"shape {HostTensor.FormatShape(tensor.Shape)} does not fit input {input}");
            }
        }
        return shape.Length == tensor.Rank ? tensor : tensor.WithShape(shape);
    }
}
