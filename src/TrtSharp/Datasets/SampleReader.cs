using System.Text.RegularExpressions;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Tensors;

namespace TrtSharp.Datasets;

/// <summary>
/// Reads one sample's files and matches them to model inputs: a manifest column names the input; a <c>.npz</c> array
/// its key; a <c>.npy</c> its file name; a <c>.pb</c> the name in the proto, else <c>input_N.pb</c> the N-th input;
/// for a one-input model any single tensor. Every tensor is checked for its input's element type and shape (a tensor
/// one rank short gets a batch dimension of 1; the first dimension of a batched input may be any size).
/// </summary>
internal static partial class SampleReader
{
    /// <summary>Reads <paramref name="sample"/>; with <paramref name="requireAll"/> every input must have a value.</summary>
    /// <exception cref="ModelFormatException">A file that names no input, two files for one input, a missing input,
    /// a wrong element type or shape — naming the file.</exception>
    public static LoadedSample Read(TensorSample sample, IReadOnlyList<TensorDescriptor> inputs, bool requireAll)
    {
        var loaded = new LoadedSample(new Dictionary<string, HostTensor>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
        foreach (SampleFile file in sample.Files)
        {
            foreach ((string name, HostTensor tensor, string source) in ReadFile(file, inputs))
            {
                if (loaded.Sources.TryGetValue(name, out string? earlier))
                {
                    throw new ModelFormatException(sample.Name, $"input '{name}' is given twice: by {earlier} and by {source}");
                }
                TensorDescriptor input = inputs.First(i => i.Name == name);
                loaded.Tensors[name] = Fitted(source, input, tensor);
                loaded.Sources[name] = source;
            }
        }
        if (requireAll)
        {
            RequireAll(sample, inputs, loaded.Sources.Keys);
        }
        return loaded;
    }

    /// <summary>
    /// Checks a sample made of <c>.npy</c> files from their headers alone (which input each feeds, element types,
    /// shapes, missing inputs), without reading data; samples with other files are left to <see cref="Read"/>.
    /// </summary>
    /// <exception cref="ModelFormatException">As <see cref="Read"/>.</exception>
    public static void CheckHeaders(TensorSample sample, IReadOnlyList<TensorDescriptor> inputs, bool requireAll)
    {
        if (!sample.Files.All(f => Path.GetExtension(f.Path).Equals(".npy", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (SampleFile file in sample.Files)
        {
            CheckNamedInput(file, inputs);
            string name = NpyInputName(file, inputs);
            if (seen.TryGetValue(name, out string? earlier))
            {
                throw new ModelFormatException(sample.Name, $"input '{name}' is given twice: by {earlier} and by {file.Path}");
            }
            (TensorElementType type, long[] shape) = NpyFile.ReadHeader(file.Path);
            _ = FittedShape(file.Path, inputs.First(i => i.Name == name), type, shape);
            seen[name] = file.Path;
        }
        if (requireAll)
        {
            RequireAll(sample, inputs, seen.Keys);
        }
    }

    private static void RequireAll(TensorSample sample, IReadOnlyList<TensorDescriptor> inputs, IEnumerable<string> given)
    {
        var present = given.ToHashSet(StringComparer.Ordinal);
        foreach (TensorDescriptor input in inputs.Where(i => !present.Contains(i.Name)))
        {
            string files = string.Join(", ", sample.Files.Select(f => Path.GetFileName(f.Path)));
            throw new ModelFormatException(sample.Name, $"the sample has no value for input '{input.Name}' (its files: {files})");
        }
    }

    private static void CheckNamedInput(SampleFile file, IReadOnlyList<TensorDescriptor> inputs)
    {
        if (file.Input is not null && !inputs.Any(i => i.Name == file.Input))
        {
            throw new ModelFormatException(file.Path, $"'{file.Input}' is not a model input (inputs: {Names(inputs)})");
        }
    }

    private static string NpyInputName(SampleFile file, IReadOnlyList<TensorDescriptor> inputs)
    {
        string stem = Path.GetFileNameWithoutExtension(file.Path);
        return file.Input ?? (inputs.Any(i => i.Name == stem) ? stem : OnlyInput(file.Path, stem, inputs));
    }

    private static IEnumerable<(string Name, HostTensor Tensor, string Source)> ReadFile(SampleFile file, IReadOnlyList<TensorDescriptor> inputs)
    {
        string path = file.Path;
        CheckNamedInput(file, inputs);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".npz":
                var arrays = NpzFile.Read(path);
                if (file.Input is not null)
                {
                    HostTensor one = arrays.TryGetValue(file.Input, out HostTensor? named) ? named
                        : arrays.Count == 1 ? arrays.Values.First()
                        : throw new ModelFormatException(path, $"no array '{file.Input}' (arrays: {string.Join(", ", arrays.Keys)})");
                    return [(file.Input, one, $"{path}:{file.Input}")];
                }
                bool anyKey = inputs.Count == 1 && arrays.Count == 1;
                return [.. arrays.Select(a =>
                {
                    string name = inputs.Any(i => i.Name == a.Key) ? a.Key
                        : anyKey ? inputs[0].Name
                        : throw new ModelFormatException(path, $"'{a.Key}' is not a model input (inputs: {Names(inputs)})");
                    return (name, a.Value, $"{path}:{a.Key}");
                })];
            case ".npy":
                return [(NpyInputName(file, inputs), NpyFile.Read(path), path)];
            case ".pb":
                (string protoName, HostTensor pb) = TensorProtoFile.Read(path);
                return [(file.Input ?? PbInputName(path, protoName, inputs), pb, path)];
            default:
                throw new ModelFormatException(path, "not a data file: give .npy, .npz or .pb");
        }
    }

    private static string PbInputName(string path, string protoName, IReadOnlyList<TensorDescriptor> inputs)
    {
        if (inputs.Any(i => i.Name == protoName))
        {
            return protoName;
        }
        Match m = InputIndex().Match(Path.GetFileName(path));
        if (m.Success && int.TryParse(m.Groups[1].ValueSpan, out int index))
        {
            return index < inputs.Count ? inputs[index].Name
                : throw new ModelFormatException(path, $"the model has {inputs.Count} input(s), no input {index} (inputs: {Names(inputs)})");
        }
        return OnlyInput(path, protoName.Length > 0 ? protoName : Path.GetFileNameWithoutExtension(path), inputs);
    }

    // A one-input model takes a tensor of any name; otherwise the name must say which input it is.
    private static string OnlyInput(string path, string candidate, IReadOnlyList<TensorDescriptor> inputs) =>
        inputs.Count == 1 ? inputs[0].Name
        : throw new ModelFormatException(path, $"cannot tell which input '{candidate}' is for; name the file after an input ({Names(inputs)}), use input_N.pb, a .npz or a manifest");

    private static HostTensor Fitted(string source, TensorDescriptor input, HostTensor tensor)
    {
        long[] shape = FittedShape(source, input, tensor.ElementType, tensor.ShapeArray());
        return shape.Length == tensor.Rank ? tensor : tensor.WithShape(shape);
    }

    /// <summary>The shape a tensor of <paramref name="type"/> and <paramref name="stored"/> shape takes as <paramref name="input"/>.</summary>
    private static long[] FittedShape(string source, TensorDescriptor input, TensorElementType type, long[] stored)
    {
        if (type != input.ElementType)
        {
            throw new ModelFormatException(source, $"input '{input.Name}' is {TensorElementTypeInfo.Name(input.ElementType)}, the file holds {TensorElementTypeInfo.Name(type)}");
        }
        long[] shape = stored;
        if (shape.Length == input.Shape.Length - 1)
        {
            shape = [1, .. shape];
        }
        bool fits = shape.Length == input.Shape.Length;
        for (int i = 0; fits && i < shape.Length; i++)
        {
            // The first dimension of a batched input is the batch: a file may hold any number of samples.
            fits = input.Shape[i] < 0 || input.Shape[i] == shape[i] || (i == 0 && input.Shape.Length > 1);
        }
        if (!fits)
        {
            throw new ModelFormatException(source, $"shape {HostTensor.FormatShape(stored)} does not fit input {input}");
        }
        return shape;
    }

    private static string Names(IReadOnlyList<TensorDescriptor> inputs) => string.Join(", ", inputs.Select(i => i.Name));

    [GeneratedRegex(@"^input_(\d+)\.pb$")]
    private static partial Regex InputIndex();
}
