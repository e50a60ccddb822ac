using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// A model loaded into ONNX Runtime: typed descriptors, validated <see cref="Run"/>, allocation-free
/// <see cref="CreateBinding"/>, execution providers with fallback, and taps.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Run"/> and <see cref="CreateBinding"/> may be called from several threads at once, and
/// <see cref="Dispose"/> waits for the runs in flight (later calls throw <see cref="ObjectDisposedException"/>);
/// a binding belongs to one thread at a time (docs/thread-safety.md).
/// </remarks>
public sealed class OnnxRuntimeSession : IInferenceSession, IModelValueSession
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly Dictionary<string, TensorDescriptor> _inputsByName;
    private readonly Dictionary<string, TensorDescriptor> _outputsByName;
    private readonly string[] _outputNames;
    private readonly List<OnnxRuntimeBinding> _bindings = [];
    private readonly Lock _bindingsGate = new();
    private readonly Dictionary<string, Dictionary<string, long[]>> _learnedShapes = new(StringComparer.Ordinal);
    private const int MaxLearnedShapeSets = 64;
    // Every call into the native session holds a lease, so Dispose never frees it under a run (ONNX Runtime would crash).
    private readonly DisposalGate _gate = new();
    // A constructor that throws leaves an object for the finalizer that never owned anything.
    private readonly bool _constructed;

    private OnnxRuntimeSession(InferenceSession session, string? modelPath, IReadOnlyList<string> taps,
        IReadOnlyList<ExecutionProviderOptions> providers, IReadOnlyList<ProviderFallback> fallbacks, OnnxRuntimeOptions options)
    {
        _session = session;
        ModelPath = modelPath;
        ActiveProviders = providers.Select(p => p.ProviderName).ToArray();
        Device = ActiveProviders[0];
        ProviderFallbacks = fallbacks;
        _runOptions = new RunOptions { LogSeverityLevel = (OrtLoggingLevel)(int)options.LogSeverity };

        Inputs = session.InputNames.Select(n => Describe(n, session.InputMetadata[n])).ToArray();
        var tapSet = new HashSet<string>(taps);
        var explicitTaps = new HashSet<string>(options.Taps);
        var outputs = new List<TensorDescriptor>();
        var tapNames = new List<string>();
        foreach (string name in session.OutputNames.Where(n => !tapSet.Contains(n)))
        {
            outputs.Add(Describe(name, session.OutputMetadata[name]));
        }
        foreach (string name in taps)
        {
            TensorDescriptor d = Describe(name, session.OutputMetadata[name]);
            // "All floating-point" taps are filtered here, where ONNX Runtime has inferred every type.
            if (explicitTaps.Contains(name) || TensorElementTypeInfo.IsFloatingPoint(d.ElementType))
            {
                outputs.Add(d);
                tapNames.Add(name);
            }
        }
        Outputs = outputs;
        TapNames = tapNames;
        _outputNames = outputs.Select(o => o.Name).ToArray();
        _inputsByName = Inputs.ToDictionary(d => d.Name);
        _outputsByName = outputs.ToDictionary(d => d.Name);
        _constructed = true;
    }

    /// <summary>Reports a session that nobody disposed (<see cref="OnnxRuntimeLeakTracker"/>); ONNX Runtime's own finalizers free it.</summary>
    ~OnnxRuntimeSession()
    {
        if (_constructed && !_gate.IsClosed)
        {
            OnnxRuntimeLeakTracker.Report($"OnnxRuntimeSession ({ModelPath ?? "model from bytes"})");
        }
    }

    /// <inheritdoc/>
    public string Backend => "onnxruntime";

    /// <summary>The highest-priority execution provider that was accepted, e.g. "CPUExecutionProvider".</summary>
    public string Device { get; }

    /// <summary>Every accepted execution provider, in priority order (ONNX Runtime gives each node to the first that supports it).</summary>
    public IReadOnlyList<string> ActiveProviders { get; }

    /// <summary>The providers that were asked for but skipped, with the reason.</summary>
    public IReadOnlyList<ProviderFallback> ProviderFallbacks { get; }

    /// <summary>The model file, or null when loaded from bytes.</summary>
    public string? ModelPath { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TensorDescriptor> Inputs { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TensorDescriptor> Outputs { get; }

    /// <summary>The tapped intermediate tensors, in the order they follow the model's outputs in <see cref="Outputs"/>.</summary>
    public IReadOnlyList<string> TapNames { get; }

    internal InferenceSession Native => _session;

    /// <summary>Leases held by runs of this session and its bindings; closed by <see cref="Dispose"/>.</summary>
    internal DisposalGate Gate => _gate;

    /// <summary>Loads a model file.</summary>
    /// <exception cref="ModelFormatException">The file is missing, not ONNX, or ONNX Runtime refuses it.</exception>
    /// <exception cref="BackendUnavailableException">None of the requested execution providers can be used.</exception>
    public static OnnxRuntimeSession FromFile(string modelPath, OnnxRuntimeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ExistingFile.Require(modelPath);
        options ??= new OnnxRuntimeOptions();
        if (!WantsTaps(options))
        {
            return Create(null, modelPath, [], options);
        }
        return CreateWithTaps(ParseModel(File.ReadAllBytes(modelPath), modelPath), modelPath, options);
    }

    /// <summary>Loads a model from its serialized bytes.</summary>
    /// <exception cref="ModelFormatException">The bytes are not ONNX, or ONNX Runtime refuses the model.</exception>
    /// <exception cref="BackendUnavailableException">None of the requested execution providers can be used.</exception>
    public static OnnxRuntimeSession FromBytes(byte[] model, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxRuntimeOptions();
        return WantsTaps(options) ? CreateWithTaps(ParseModel(model, null), null, options) : Create(model, null, [], options);
    }

    /// <summary>Loads an in-memory model (e.g. a normalized or quantized <see cref="OnnxModel"/>), without a file.</summary>
    /// <exception cref="ModelFormatException">ONNX Runtime refuses the model.</exception>
    /// <exception cref="BackendUnavailableException">None of the requested execution providers can be used.</exception>
    public static OnnxRuntimeSession FromModel(OnnxModel model, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FromModel(model.Proto, options);
    }

    /// <summary>Loads an in-memory protobuf model (e.g. one just edited by a pass).</summary>
    internal static OnnxRuntimeSession FromModel(ModelProto model, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxRuntimeOptions();
        // Taps edit a copy (which shares the weight buffers), so the model is serialized once and never re-parsed.
        return WantsTaps(options) ? CreateWithTaps(model.Clone(), null, options) : Create(model.ToByteArray(), null, [], options);
    }

    /// <summary>The candidate tap names of a model file: every node output, or only the floating-point ones.</summary>
    /// <remarks>Without value_info the ONNX file does not say which outputs are floating-point; loading with
    /// <see cref="OnnxRuntimeOptions.TapAllFloatingPoint"/> asks ONNX Runtime instead.</remarks>
    public static IReadOnlyList<string> ListTapCandidates(string modelPath, bool floatingPointOnly = false)
        => OnnxTaps.ListCandidates(ParseModel(File.ReadAllBytes(modelPath), modelPath), floatingPointOnly);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, HostTensor> Run(IReadOnlyDictionary<string, HostTensor> inputs, IReadOnlyCollection<string>? outputNames = null)
    {
        _gate.Enter(this);
        try
        {
            return RunLeased(inputs, outputNames);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private Dictionary<string, HostTensor> RunLeased(IReadOnlyDictionary<string, HostTensor> inputs, IReadOnlyCollection<string>? outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ValidateInputs(inputs);
        string[] wanted = outputNames is null ? _outputNames : outputNames.ToArray();
        foreach (string name in wanted)
        {
            if (!_outputsByName.ContainsKey(name))
            {
                throw new TensorNotFoundException(name, _outputNames);
            }
        }

        var names = new List<string>(inputs.Count);
        var values = new List<OrtValue>(inputs.Count);
        var pins = new List<GCHandle>(inputs.Count);
        try
        {
            foreach (TensorDescriptor d in Inputs)
            {
                values.Add(OrtTensorInterop.Wrap(inputs[d.Name], OrtMemoryInfo.DefaultInstance, out GCHandle pin));
                names.Add(d.Name);
                if (pin.IsAllocated)
                {
                    pins.Add(pin);
                }
            }
            using IDisposableReadOnlyCollection<OrtValue> results = RunNative(names, values, wanted);
            var output = new Dictionary<string, HostTensor>(wanted.Length);
            int i = 0;
            foreach (OrtValue value in results)
            {
                output[wanted[i]] = OrtTensorInterop.ToHost(value, wanted[i]);
                i++;
            }
            return output;
        }
        finally
        {
            foreach (OrtValue v in values)
            {
                v.Dispose();
            }
            foreach (GCHandle pin in pins)
            {
                pin.Free();
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>ONNX Runtime checks types and shapes itself here; an absent optional input is not fed.</remarks>
    public IReadOnlyDictionary<string, ModelValue> RunValues(IReadOnlyDictionary<string, ModelValue> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _gate.Enter(this);
        try
        {
            return RunValuesLeased(inputs);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private Dictionary<string, ModelValue> RunValuesLeased(IReadOnlyDictionary<string, ModelValue> inputs)
    {
        var names = new List<string>(inputs.Count);
        var feeds = new List<OrtValue>(inputs.Count);
        var owned = new List<OrtValue>();
        var pins = new List<GCHandle>();
        try
        {
            foreach ((string name, ModelValue value) in inputs)
            {
                _ = InputDescriptor(name);
                if (OrtValueInterop.ToOrt(value, owned, pins) is { } fed)
                {
                    names.Add(name);
                    feeds.Add(fed);
                }
            }
            using IDisposableReadOnlyCollection<OrtValue> results = RunNative(names, feeds, _outputNames);
            var output = new Dictionary<string, ModelValue>(_outputNames.Length, StringComparer.Ordinal);
            int i = 0;
            foreach (OrtValue value in results)
            {
                output[_outputNames[i]] = OrtValueInterop.FromOrt(value, _outputNames[i]);
                i++;
            }
            return output;
        }
        finally
        {
            foreach (OrtValue v in owned)
            {
                v.Dispose();
            }
            foreach (GCHandle pin in pins)
            {
                pin.Free();
            }
        }
    }

    /// <inheritdoc/>
    IInferenceBinding IInferenceSession.CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes) => CreateBinding(inputShapes);

    /// <summary>
    /// Creates pre-bound buffers for the given input shapes (dynamic inputs must be given; fixed ones may be omitted).
    /// Output shapes follow from the inputs' symbolic dimensions where possible; the rest are learned on the first
    /// <see cref="OnnxRuntimeBinding.Run"/>, which then allocates once.
    /// </summary>
    public OnnxRuntimeBinding CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes = null)
    {
        _gate.Enter(this);
        try
        {
            var binding = new OnnxRuntimeBinding(this, inputShapes ?? new Dictionary<string, long[]>());
            lock (_bindingsGate)
            {
                _bindings.Add(binding);
            }
            return binding;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Checks a shape against a descriptor: rank and every fixed dimension.</summary>
    internal static void CheckShape(TensorDescriptor descriptor, ReadOnlySpan<long> shape)
    {
        if (shape.Length != descriptor.Shape.Length)
        {
            throw new TensorShapeException(descriptor.Name,
                $"expected rank {descriptor.Shape.Length} {descriptor}, got rank {shape.Length} {HostTensor.FormatShape(shape)}");
        }
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new TensorShapeException(descriptor.Name, $"dimension {i} is negative in {HostTensor.FormatShape(shape)}");
            }
            if (descriptor.Shape[i] >= 0 && descriptor.Shape[i] != shape[i])
            {
                throw new TensorShapeException(descriptor.Name,
                    $"expected {descriptor}, got {HostTensor.FormatShape(shape)} (dimension {i} must be {descriptor.Shape[i]})");
            }
        }
    }

    internal TensorDescriptor InputDescriptor(string name) =>
        _inputsByName.TryGetValue(name, out TensorDescriptor? d) ? d : throw new TensorNotFoundException(name, _inputsByName.Keys);

    /// <summary>Output shapes a binding learned on its first run, by input-shape key (null when none has yet).</summary>
    internal IReadOnlyDictionary<string, long[]>? LearnedOutputShapes(string inputShapeKey)
    {
        lock (_bindingsGate)
        {
            return _learnedShapes.TryGetValue(inputShapeKey, out var shapes) ? shapes : null;
        }
    }

    /// <summary>Keeps what a binding learned, so the next binding with the same input shapes binds at once.</summary>
    internal void RememberOutputShapes(string inputShapeKey, Dictionary<string, long[]> shapes)
    {
        lock (_bindingsGate)
        {
            if (_learnedShapes.TryGetValue(inputShapeKey, out var known))
            {
                foreach (var (name, shape) in known)
                {
                    shapes.TryAdd(name, shape);
                }
            }
            if (_learnedShapes.Count >= MaxLearnedShapeSets && !_learnedShapes.ContainsKey(inputShapeKey))
            {
                // Many distinct input shapes (e.g. one per utterance length): keep memory bounded, relearning is cheap.
                _learnedShapes.Clear();
            }
            _learnedShapes[inputShapeKey] = shapes;
        }
    }

    internal void Forget(OnnxRuntimeBinding binding)
    {
        lock (_bindingsGate)
        {
            _bindings.Remove(binding);
        }
    }

    /// <summary>
    /// Waits for the runs in flight on other threads (this session's and its bindings'), then releases the bindings
    /// and the native session. Calls that start afterwards throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (!_gate.Close())
        {
            return;
        }
        GC.SuppressFinalize(this);
        _gate.WaitForLeases();
        OnnxRuntimeBinding[] live;
        lock (_bindingsGate)
        {
            live = [.. _bindings];
        }
        // Bindings hold native pointers into the session: release them first.
        foreach (OnnxRuntimeBinding b in live)
        {
            b.Dispose();
        }
        _runOptions.Dispose();
        _session.Dispose();
    }

    private IDisposableReadOnlyCollection<OrtValue> RunNative(List<string> names, List<OrtValue> values, string[] wanted)
    {
        try
        {
            return _session.Run(_runOptions, names, values, wanted);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new TrtSharpException($"ONNX Runtime failed to run {ModelPath ?? "the model"}: {ex.Message}", ex);
        }
    }

    private void ValidateInputs(IReadOnlyDictionary<string, HostTensor> inputs)
    {
        foreach ((string name, HostTensor tensor) in inputs)
        {
            TensorDescriptor d = InputDescriptor(name);
            if (tensor is null)
            {
                throw new TensorShapeException(name, "the tensor is null");
            }
            if (d.ElementType == TensorElementType.Undefined)
            {
                throw new UnsupportedDataTypeException($"input '{name}' is not a tensor (sequence, map or optional); only tensors are supported");
            }
            if (tensor.ElementType != d.ElementType)
            {
                throw new TensorShapeException(name,
                    $"expected element type {TensorElementTypeInfo.Name(d.ElementType)}, got {TensorElementTypeInfo.Name(tensor.ElementType)}");
            }
            CheckShape(d, tensor.Shape);
        }
        foreach (TensorDescriptor d in Inputs)
        {
            if (!inputs.ContainsKey(d.Name))
            {
                throw new TensorShapeException(d.Name,
                    $"required input {d} was not given (given: {string.Join(", ", inputs.Keys)})");
            }
        }
    }

    private static TensorDescriptor Describe(string name, NodeMetadata meta)
    {
        if (!meta.IsTensor)
        {
            return new TensorDescriptor(name, TensorElementType.Undefined, []);
        }
        long[] shape = meta.Dimensions.Select(d => (long)d).ToArray();
        string?[] symbols = meta.SymbolicDimensions.Select(s => string.IsNullOrEmpty(s) ? null : s).ToArray();
        if (symbols.Length != shape.Length)
        {
            symbols = new string?[shape.Length];
        }
        return new TensorDescriptor(name, OrtTensorInterop.FromOrt(meta.ElementDataType), shape, symbols);
    }

    private static bool WantsTaps(OnnxRuntimeOptions options) => options.Taps.Count > 0 || options.TapAllFloatingPoint;

    private static ModelProto ParseModel(byte[] bytes, string? path)
    {
        try
        {
            ModelProto model = ModelProto.Parser.ParseFrom(bytes);
            if (model.Graph is null)
            {
                throw new ModelFormatException(path, "not an ONNX model (no graph)");
            }
            return model;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelFormatException(path, $"not a valid ONNX protobuf: {ex.Message}", ex);
        }
    }

    // Adds the taps to model (a copy the caller owns) and creates the session.
    private static OnnxRuntimeSession CreateWithTaps(ModelProto model, string? path, OnnxRuntimeOptions options)
    {
        if (model.Graph is null)
        {
            throw new ModelFormatException(path, "not an ONNX model (no graph)");
        }
        var requested = new List<string>(options.Taps);
        if (options.TapAllFloatingPoint)
        {
            // Every node output; ONNX Runtime's inferred types decide which are floating-point after loading.
            requested.AddRange(OnnxTaps.ListCandidates(model).Where(n => !options.TapExclusions.Contains(n)));
        }
        IReadOnlyList<string> added = OnnxTaps.AddTaps(model, requested);
        // Taps the user named that are model outputs already stay where they are; the rest follow.
        return Create(model.ToByteArray(), path, added, options);
    }

    private static OnnxRuntimeSession Create(byte[]? bytes, string? path, IReadOnlyList<string> taps, OnnxRuntimeOptions options)
    {
        OnnxRuntimeEnvironment.Ensure();
        if (options.UseGlobalThreadPool)
        {
            OnnxRuntimeEnvironment.RequireGlobalThreadPool();
        }
        var fallbacks = new List<ProviderFallback>();
        // ONNX Runtime writes the optimized model itself while it creates the session: let it write a temporary
        // file (same extension: it picks ONNX or ORT format by it) and rename that once the session exists.
        using PendingFile? optimized = options.OptimizedModelPath is null ? null : AtomicFile.Begin(options.OptimizedModelPath, keepExtension: true);
        IEnumerable<ExecutionProviderOptions> remaining = options.ExecutionProviders.Count > 0 ? options.ExecutionProviders : ExecutionProviderSelector.Defaults;
        while (true)
        {
            using SessionOptions sessionOptions = MakeSessionOptions(options, path, bytes is not null, optimized?.TempPath);
            List<ExecutionProviderOptions> appended = ExecutionProviderSelector.Append(sessionOptions, remaining, fallbacks, options.Logger);
            if (appended.Count == 0)
            {
                throw ExecutionProviderSelector.NoneUsable(fallbacks);
            }
            try
            {
                InferenceSession session = bytes is null ? new InferenceSession(path!, sessionOptions) : new InferenceSession(bytes, sessionOptions);
                OnnxRuntimeSession created;
                try
                {
                    created = new OnnxRuntimeSession(session, path, taps, appended, fallbacks, options);
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
                try
                {
                    optimized?.Commit();
                }
                catch
                {
                    created.Dispose();
                    throw;
                }
                ExecutionProviderSelector.LogSession(options.Logger, path, created.ActiveProviders);
                return created;
            }
            catch (OnnxRuntimeException ex) when (appended[0] is not CpuProviderOptions)
            {
                // A provider can append yet fail when the session initialises it (no GPU, driver too old): drop it and retry.
                ExecutionProviderSelector.Record(fallbacks, appended[0], ExecutionProviderSelector.WithRealReason(appended[0], $"session creation failed: {ex.Message.Trim()}"), options.Logger);
                remaining = appended.Skip(1).ToArray();
                if (!remaining.Any())
                {
                    throw ExecutionProviderSelector.NoneUsable(fallbacks);
                }
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelFormatException(path, $"ONNX Runtime cannot load the model: {ex.Message.Trim()}", ex);
            }
        }
    }

    private static SessionOptions MakeSessionOptions(OnnxRuntimeOptions options, string? path, bool fromBytes, string? optimizedModelPath)
    {
        var so = new SessionOptions();
        try
        {
            so.LogSeverityLevel = (OrtLoggingLevel)(int)options.LogSeverity;
            so.GraphOptimizationLevel = options.GraphOptimization switch
            {
                OnnxRuntimeGraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxRuntimeGraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxRuntimeGraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            if (options.UseGlobalThreadPool)
            {
                so.DisablePerSessionThreads();
            }
            else
            {
                so.IntraOpNumThreads = options.IntraOpThreads;
                so.InterOpNumThreads = options.InterOpThreads;
                if (options.AllowSpinning is bool spin)
                {
                    so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
                    so.AddSessionConfigEntry("session.inter_op.allow_spinning", spin ? "1" : "0");
                }
            }
            if (optimizedModelPath is not null)
            {
                so.OptimizedModelFilePath = optimizedModelPath;
            }
            if (fromBytes && path is not null)
            {
                // A file edited in memory (taps) still finds its external-data files next to the original.
                string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
                so.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder);
            }
            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }
}
