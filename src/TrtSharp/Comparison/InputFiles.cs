using System.Text.RegularExpressions;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;

namespace TrtSharp.Comparison;

/// <summary>
/// Input tensors from files: <c>name=file</c> pairs (.npy, .pb) and data folders holding <c>&lt;name&gt;.npy</c>,
/// <c>.npz</c> archives (one array per input name) or ONNX backend test files (<c>input_N.pb</c>).
/// </summary>
public static partial class InputFiles
{
    /// <summary>The tensors read and, per input name, the file it came from.</summary>
    public sealed record Loaded(Dictionary<string, HostTensor> Tensors, Dictionary<string, string> Sources);

    /// <summary>
    /// Reads <paramref name="pairs"/> (<c>name=path</c>) and the files in <paramref name="dataFolder"/> for a model with
    /// <paramref name="inputs"/>. A <c>.pb</c> file's tensor goes to the input its proto names, or, when unnamed, to the
    /// input at position N of <c>input_N.pb</c>; <c>output_*.pb</c> files (reference outputs) are skipped.
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
            if (!Directory.Exists(dataFolder))
            {
                throw new DirectoryNotFoundException($"data folder not found: {dataFolder}");
            }
            foreach (string file in Directory.EnumerateFiles(dataFolder).Order(StringComparer.Ordinal))
            {
                LoadFile(file, null, names, loaded);
            }
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

    private static void LoadFile(string file, string? name, string[] names, Loaded loaded)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"file not found: {file}", file);
        }
        switch (Path.GetExtension(file).ToLowerInvariant())
        {
            case ".npy":
                Add(name ?? Path.GetFileNameWithoutExtension(file), NpyFile.Read(file), file, names, loaded);
                break;
            case ".npz" when name is null:
                foreach ((string key, HostTensor tensor) in NpzFile.Read(file))
                {
                    Add(key, tensor, $"{file}:{key}", names, loaded);
                }
                break;
            case ".pb":
                if (name is null && Path.GetFileName(file).StartsWith("output_", StringComparison.Ordinal))
                {
                    return; // reference outputs of an ONNX backend test folder, not inputs
                }
                (string protoName, HostTensor pb) = TensorProtoFile.Read(file);
                Add(name ?? PbInputName(file, protoName, names), pb, file, names, loaded);
                break;
            default:
                if (name is not null)
                {
                    throw new FormatException($"{file}: input files must be .npy or .pb" + (file.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? " (give .npz archives with --data)" : string.Empty));
                }
                break; // other files in a data folder (READMEs, lists) are not inputs
        }
    }

    private static string PbInputName(string file, string protoName, string[] names)
    {
        if (protoName.Length > 0)
        {
            return protoName;
        }
        Match m = InputIndex().Match(Path.GetFileName(file));
        if (m.Success && int.TryParse(m.Groups[1].ValueSpan, out int index) && index < names.Length)
        {
            return names[index];
        }
        throw new TensorNotFoundException(Path.GetFileName(file), names);
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

    [GeneratedRegex(@"^input_(\d+)\.pb$")]
    private static partial Regex InputIndex();
}
