using System.Diagnostics;
using Google.Protobuf;
using TrtSharp.Comparison;
using TrtSharp.Diagnostics;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tools.Conformance;

/// <summary>
/// Runs ONNX backend test cases — folders holding <c>model.onnx</c> and <c>test_data_set_*/input_*.pb</c>,
/// <c>output_*.pb</c> — on any <see cref="IInferenceSession"/> backend and compares with the reference outputs.
/// </summary>
internal sealed class ConformanceRunner
{
    private readonly Func<string, IInferenceSession> _openSession;
    private readonly Func<string, HostTensor> _readTensor;
    private readonly ConformanceOptions _options;

    /// <summary>Creates a runner.</summary>
    /// <param name="backend">Backend name for the report.</param>
    /// <param name="openSession">Opens a model file on the backend under test.</param>
    /// <param name="readTensor">Reads a serialized <c>TensorProto</c> (.pb) file.</param>
    /// <param name="options">Tolerances and filter.</param>
    public ConformanceRunner(string backend, Func<string, IInferenceSession> openSession, Func<string, HostTensor> readTensor, ConformanceOptions? options = null)
    {
        Backend = backend;
        _openSession = openSession;
        _readTensor = readTensor;
        _options = options ?? new ConformanceOptions();
    }

    /// <summary>The backend name reported.</summary>
    public string Backend { get; }

    /// <summary>
    /// Finds the cases under <paramref name="root"/>: the folder itself when it holds <c>model.onnx</c>,
    /// else its sub-folders that do, else those one level deeper (a data root with suites such as node/, simple/).
    /// </summary>
    public static IReadOnlyList<string> FindCases(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"conformance folder not found: {root}");
        }
        if (File.Exists(Path.Combine(root, "model.onnx")))
        {
            return [Path.GetFullPath(root)];
        }
        var cases = new List<string>();
        foreach (string dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "model.onnx")))
            {
                cases.Add(Path.GetFullPath(dir));
                continue;
            }
            cases.AddRange(Directory.EnumerateDirectories(dir)
                .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
                .Order(StringComparer.Ordinal)
                .Select(Path.GetFullPath));
        }
        return cases;
    }

    /// <summary>Runs every case under <paramref name="root"/>.</summary>
    public ConformanceReport Run(string root, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        var cases = FindCases(root)
            .Where(c => _options.Filter is null || Path.GetFileName(c).Contains(_options.Filter, StringComparison.Ordinal))
            .ToList();
        if (cases.Count == 0)
        {
            throw new ModelFormatException(root, "no ONNX backend test cases (folders with model.onnx) found");
        }
        var results = new List<ConformanceCaseResult>(cases.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(RunCase(cases[i]));
            progress?.Report(new ProgressUpdate("conformance", i + 1, cases.Count));
        }
        return new ConformanceReport(Backend, results);
    }

    /// <summary>Runs one case folder.</summary>
    public ConformanceCaseResult RunCase(string caseDirectory)
    {
        string name = Path.GetFileName(caseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string suite = Path.GetFileName(Path.GetDirectoryName(caseDirectory.TrimEnd(Path.DirectorySeparatorChar)) ?? string.Empty);
        var tolerance = _options.CaseTolerances.TryGetValue(name, out var t) ? t : _options.DefaultTolerance;
        var clock = Stopwatch.StartNew();
        var dataSets = Directory.EnumerateDirectories(caseDirectory, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
        ConformanceCaseResult Result(ConformanceOutcome outcome, string reason) =>
            new(suite, name, outcome, reason, dataSets.Count, clock.Elapsed.TotalMilliseconds);

        IInferenceSession session;
        try
        {
            session = _openSession(Path.Combine(caseDirectory, "model.onnx"));
        }
        catch (Exception ex)
        {
            return Result(ConformanceOutcome.Error, "load: " + OneLine(ex));
        }
        using (session)
        {
            ModelProto? model = TryParse(Path.Combine(caseDirectory, "model.onnx"));
            bool nonTensor = model is not null && model.Graph.Input.Concat(model.Graph.Output)
                .Any(v => v.Type is { } t && t.ValueCase != TypeProto.ValueOneofCase.TensorType);
            string? random = null;
            foreach (string dataSet in dataSets)
            {
                string setName = Path.GetFileName(dataSet);
                string? failure = nonTensor
                    ? RunValueDataSet(session, model!, dataSet, tolerance, out bool error)
                    : RunTensorDataSet(session, model, dataSet, tolerance, ref random, out error);
                if (failure is not null)
                {
                    return Result(error ? ConformanceOutcome.Error : ConformanceOutcome.Failed, $"{setName}: {failure}");
                }
            }
            if (random is not null)
            {
                return Result(ConformanceOutcome.Nondeterministic, $"{random} draws random numbers: output types and shapes checked, values not compared");
            }
        }
        return Result(ConformanceOutcome.Passed, string.Empty);
    }

    // One data set of tensors; null when it passed. Random models get a type-and-shape check only.
    private string? RunTensorDataSet(IInferenceSession session, ModelProto? model, string dataSet, Tolerance tolerance, ref string? random, out bool error)
    {
        error = true;
        Dictionary<string, HostTensor> inputs;
        List<HostTensor> expected;
        try
        {
            inputs = BindByPosition(ReadAll(dataSet, "input_"), session.Inputs, "input");
            expected = ReadAll(dataSet, "output_");
        }
        catch (Exception ex)
        {
            return $"data: {OneLine(ex)}";
        }
        IReadOnlyDictionary<string, HostTensor> actual;
        try
        {
            actual = session.Run(inputs);
        }
        catch (Exception ex)
        {
            return $"run: {OneLine(ex)}";
        }
        if (expected.Count > session.Outputs.Count)
        {
            return $"{expected.Count} reference outputs but the model has {session.Outputs.Count}";
        }
        string? drawn = model is null ? null : Nondeterminism.Of(model, inputs);
        random ??= drawn;
        error = false;
        for (int k = 0; k < expected.Count; k++)
        {
            string outputName = session.Outputs[k].Name;
            HostTensor reference = AsDeclared(expected[k], session.Outputs[k]);
            HostTensor result = actual[outputName];
            if (drawn is not null)
            {
                if (result.ElementType != reference.ElementType || !result.Shape.SequenceEqual(reference.Shape))
                {
                    return $"output '{outputName}': {result} where the reference is {reference} ({drawn}: only types and shapes are compared)";
                }
                continue;
            }
            var comparison = TensorComparison.Compare(result, reference, tolerance);
            if (!comparison.Passed)
            {
                return $"output '{outputName}': {comparison.Reason}";
            }
        }
        return null;
    }

    // One data set of a model with sequence or optional inputs/outputs, read as the model declares them.
    private static string? RunValueDataSet(IInferenceSession session, ModelProto model, string dataSet, Tolerance tolerance, out bool error)
    {
        error = true;
        if (session is not IModelValueSession values)
        {
            return $"run: the {session.Backend.Name()} backend exchanges tensors only (the model has sequence or optional values)";
        }
        var declared = model.Graph.Input.Concat(model.Graph.Output).GroupBy(v => v.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);
        var inputs = new Dictionary<string, ModelValue>(StringComparer.Ordinal);
        var expected = new List<ModelValue>();
        try
        {
            var inputFiles = DataFiles(dataSet, "input_");
            if (inputFiles.Count > session.Inputs.Count)
            {
                throw new TensorShapeException(null, $"{inputFiles.Count} input files but the model has {session.Inputs.Count} inputs");
            }
            for (int i = 0; i < inputFiles.Count; i++)
            {
                string name = session.Inputs[i].Name;
                inputs[name] = ModelValueFile.Read(inputFiles[i], declared.GetValueOrDefault(name));
            }
            var outputFiles = DataFiles(dataSet, "output_");
            if (outputFiles.Count > session.Outputs.Count)
            {
                return $"{outputFiles.Count} reference outputs but the model has {session.Outputs.Count}";
            }
            for (int k = 0; k < outputFiles.Count; k++)
            {
                expected.Add(ModelValueFile.Read(outputFiles[k], declared.GetValueOrDefault(session.Outputs[k].Name)));
            }
        }
        catch (Exception ex)
        {
            return $"data: {OneLine(ex)}";
        }
        IReadOnlyDictionary<string, ModelValue> actual;
        try
        {
            actual = values.RunValues(inputs);
        }
        catch (Exception ex)
        {
            return $"run: {OneLine(ex)}";
        }
        error = false;
        for (int k = 0; k < expected.Count; k++)
        {
            string outputName = session.Outputs[k].Name;
            if (ModelValueComparison.Compare(actual[outputName], expected[k], tolerance) is { } why)
            {
                return $"output '{outputName}': {why}";
            }
        }
        return null;
    }

    private static ModelProto? TryParse(string modelPath)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        }
        catch (Exception ex) when (ex is IOException or InvalidProtocolBufferException)
        {
            // The session opened it, so this is rare; without the model only plain tensor checks are possible.
            return null;
        }
    }

    private static List<string> DataFiles(string dataSet, string prefix) =>
        Directory.EnumerateFiles(dataSet, prefix + "*.pb")
            .Select(f => (File: f, Index: int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(f => f.Index)
            .Select(f => f.File)
            .ToList();

    private List<HostTensor> ReadAll(string dataSet, string prefix) => DataFiles(dataSet, prefix).Select(_readTensor).ToList();

    // Backend test data names its files by position (input_0.pb is the first graph input that is not an initializer).
    private static Dictionary<string, HostTensor> BindByPosition(List<HostTensor> tensors, IReadOnlyList<TensorDescriptor> inputs, string kind)
    {
        if (tensors.Count > inputs.Count)
        {
            throw new TensorShapeException(null, $"{tensors.Count} {kind} files but the model has {inputs.Count} {kind}s");
        }
        var bound = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            bound[inputs[i].Name] = AsDeclared(tensors[i], inputs[i]);
        }
        return bound;
    }

    // ONNX test data written before NumPy could hold bfloat16 (onnx <= 1.13) stores bfloat16 tensors as their
    // uint16 bit patterns; read them as the bfloat16 the model declares rather than failing on the type.
    private static HostTensor AsDeclared(HostTensor tensor, TensorDescriptor declared)
    {
        if (declared.ElementType == TensorElementType.BFloat16 && tensor is HostTensor<ushort> bits)
        {
            var values = new BFloat16[bits.Data.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = new BFloat16(bits.Data[i]);
            }
            return new HostTensor<BFloat16>(tensor.Shape, values);
        }
        return tensor;
    }

    private static string OneLine(Exception ex) => ex.Message.ReplaceLineEndings(" ").Trim();
}
