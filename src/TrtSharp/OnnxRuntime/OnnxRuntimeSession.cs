using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// A model loaded into ONNX Runtime: typed descriptors, validated <see cref="Run"/>, allocation-free
/// <see cref="CreateBinding(IReadOnlyDictionary{string, long[]})"/>, execution providers with fallback, and taps.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Run"/> and <see cref="CreateBinding(IReadOnlyDictionary{string, long[]})"/> may be called from several threads at once, and
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
    // The serialized model, kept only when some output shape may have to be inferred from input shapes (null: read the file).
    private readonly byte[]? _modelBytes;
    // Every call into the native session holds a lease, so Dispose never frees it under a run (ONNX Runtime would crash).
    private readonly DisposalGate _gate = new();
    // A constructor that throws leaves an object for the finalizer that never owned anything.
    private readonly bool _constructed;

    internal OnnxRuntimeSession(InferenceSession session, string? modelPath, byte[]? modelBytes, IReadOnlyList<string> taps,
        IReadOnlyList<ExecutionProviderOptions> providers, IReadOnlyList<ProviderFallback> fallbacks, OnnxRuntimeOptions options)
    {
        _session = session;
        ModelPath = modelPath;
        ActiveProviders = providers.Select(p => p.ProviderName).ToArray();
        Device = ActiveProviders[0];
        ProviderFallbacks = fallbacks;
        _runOptions = new RunOptions { LogSeverityLevel = (OrtLoggingLevel)(int)options.LogSeverity };

        Inputs = session.InputNames.Select(n => OrtTensorDescriptors.Describe(n, session.InputMetadata[n])).ToArray();
        var tapSet = new HashSet<string>(taps);
        var explicitTaps = new HashSet<string>(options.Taps);
        var outputs = new List<TensorDescriptor>();
        var tapNames = new List<string>();
        foreach (string name in session.OutputNames.Where(n => !tapSet.Contains(n)))
        {
            outputs.Add(OrtTensorDescriptors.Describe(name, session.OutputMetadata[name]));
        }
        foreach (string name in taps)
        {
            TensorDescriptor d = OrtTensorDescriptors.Describe(name, session.OutputMetadata[name]);
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
        // A model whose outputs are all static never needs shape inference: do not keep its bytes alive.
        _modelBytes = outputs.Any(o => o.IsDynamic || tapNames.Contains(o.Name)) ? modelBytes : null;
        _constructed = true;
    }

    /// <summary>Reports a session that nobody disposed (<see cref="Diagnostics.NativeLeakTracker"/>); ONNX Runtime's own finalizers free it.</summary>
    ~OnnxRuntimeSession()
    {
        if (_constructed && !_gate.IsClosed)
        {
            Diagnostics.NativeLeakTracker.Report($"OnnxRuntimeSession ({ModelPath ?? "model from bytes"})");
        }
    }

    /// <inheritdoc/>
    public InferenceBackend Backend => InferenceBackend.OnnxRuntime;

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

    /// <summary>Output shapes known per set of input shapes, shared by this session's bindings.</summary>
    internal OutputShapeMemory OutputShapes { get; } = new();

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
        if (!OnnxRuntimeSessionLoader.WantsTaps(options))
        {
            return OnnxRuntimeSessionLoader.Create(null, modelPath, [], options);
        }
        return OnnxRuntimeSessionLoader.CreateWithTaps(OnnxRuntimeSessionLoader.ParseModel(File.ReadAllBytes(modelPath), modelPath), modelPath, options);
    }

    /// <summary>Loads a model from its serialized bytes.</summary>
    /// <exception cref="ModelFormatException">The bytes are not ONNX, or ONNX Runtime refuses the model.</exception>
    /// <exception cref="BackendUnavailableException">None of the requested execution providers can be used.</exception>
    public static OnnxRuntimeSession FromBytes(byte[] model, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxRuntimeOptions();
        return OnnxRuntimeSessionLoader.WantsTaps(options)
            ? OnnxRuntimeSessionLoader.CreateWithTaps(OnnxRuntimeSessionLoader.ParseModel(model, null), null, options)
            : OnnxRuntimeSessionLoader.Create(model, null, [], options);
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
        return OnnxRuntimeSessionLoader.WantsTaps(options)
            ? OnnxRuntimeSessionLoader.CreateWithTaps(model.Clone(), null, options)
            : OnnxRuntimeSessionLoader.Create(model.ToByteArray(), null, [], options);
    }

    /// <summary>The candidate tap names of a model file: every node output, or only the floating-point ones.</summary>
    /// <remarks>Without value_info the ONNX file does not say which outputs are floating-point; loading with
    /// <see cref="OnnxRuntimeOptions.TapAllFloatingPoint"/> asks ONNX Runtime instead.</remarks>
    public static IReadOnlyList<string> ListTapCandidates(string modelPath, bool floatingPointOnly = false)
        => OnnxTaps.ListCandidates(OnnxRuntimeSessionLoader.ParseModel(File.ReadAllBytes(modelPath), modelPath), floatingPointOnly);

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
        OrtInputChecks.CheckInputs(Inputs, InputDescriptor, inputs);
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

    /// <inheritdoc/>
    IInferenceBinding IInferenceSession.CreateBinding(Dictionary<string, long[]>? inputShapes) => CreateBinding(inputShapes);

    /// <summary>
    /// <see cref="CreateBinding(IReadOnlyDictionary{string, long[]})"/> for a dictionary written in place:
    /// <c>CreateBinding(new() { ["x"] = [1, 3, 224, 224] })</c>.
    /// </summary>
    public OnnxRuntimeBinding CreateBinding(Dictionary<string, long[]>? inputShapes) => CreateBinding((IReadOnlyDictionary<string, long[]>?)inputShapes);

    /// <summary>
    /// Creates pre-bound buffers for the given input shapes (dynamic inputs must be given; fixed ones may be omitted).
    /// Output shapes follow from the inputs' symbolic dimensions or, failing that, from ONNX Runtime's shape inference
    /// with these input shapes (which loads the model once more per new set of shapes), so their buffers are available
    /// at once; only shapes that depend on the data are learned on the first <see cref="OnnxRuntimeBinding.Run"/>,
    /// which then allocates once.
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
        catch (OnnxRuntimeException ex)
        {
            // ONNX Runtime's exception type never leaves the session (docs/design.md, "Errors").
            throw new OnnxRuntimeFailureException(ModelPath, $"ONNX Runtime could not bind {ModelPath ?? "the model"}: {ex.Message}", ex);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// The output shapes ONNX Runtime's shape inference derives from <paramref name="inputShapes"/> (cached per
    /// <paramref name="inputShapeKey"/>); outputs it cannot derive are absent.
    /// </summary>
    internal IReadOnlyDictionary<string, long[]> InferOutputShapes(string inputShapeKey, IReadOnlyDictionary<string, long[]> inputShapes) =>
        OutputShapes.Inferred(inputShapeKey, () =>
        {
            byte[]? bytes = _modelBytes ?? (ModelPath is { } path ? File.ReadAllBytes(path) : null);
            string? folder = ModelPath is { } file ? Path.GetDirectoryName(Path.GetFullPath(file)) : null;
            return bytes is null ? new Dictionary<string, long[]>() : OutputShapeInference.Infer(bytes, folder, inputShapes);
        });

    internal TensorDescriptor InputDescriptor(string name) =>
        _inputsByName.TryGetValue(name, out TensorDescriptor? d) ? d : throw new TensorNotFoundException(name, _inputsByName.Keys);

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
            throw new OnnxRuntimeFailureException(ModelPath, $"ONNX Runtime failed to run {ModelPath ?? "the model"}: {ex.Message}", ex);
        }
    }
}
