using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.OnnxRuntime;

/// <summary>
/// Input and output buffers of one <see cref="OnnxRuntimeSession"/>, allocated on the pinned object heap and
/// bound once through ONNX Runtime's IO binding: <see cref="Run"/> writes the outputs in place and allocates
/// nothing in steady state.
/// </summary>
/// <remarks>
/// An output whose shape cannot be derived from the input shapes (e.g. it depends on the data) is bound to
/// ONNX Runtime's allocator for the first <see cref="Run"/>; that run allocates its result once, copies it into
/// a new pinned buffer and rebinds to it, so later runs allocate nothing. If such a shape changes between runs,
/// ONNX Runtime reports a shape mismatch. Not thread-safe: use one binding per thread. <see cref="Dispose"/> (its own
/// or the session's) may still come from another thread: it waits for a run in flight, and later runs throw
/// <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed class OnnxRuntimeBinding : IInferenceBinding
{
    private readonly OnnxRuntimeSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions;
    private readonly Dictionary<string, HostTensor> _inputs = [];
    private readonly Dictionary<string, HostTensor?> _outputs = [];
    private readonly List<OrtValue> _values = [];
    private readonly List<string> _pending = [];
    private readonly List<string> _fromLearned = [];
    private readonly string _shapeKey = string.Empty;
    private readonly DisposalGate _gate = new();

    internal OnnxRuntimeBinding(OnnxRuntimeSession session, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        _session = session;
        _binding = session.Native.CreateIoBinding();
        _runOptions = new RunOptions();
        try
        {
            Dictionary<string, long> symbols = BindInputs(inputShapes);
            _shapeKey = string.Join(";", _inputs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + HostTensor.FormatShape(p.Value.Shape)));
            BindOutputs(symbols, session.OutputShapes.Learned(_shapeKey));
        }
        catch
        {
            GC.SuppressFinalize(this);
            ReleaseNative();
            throw;
        }
    }

    /// <summary>Reports a binding that nobody disposed (<see cref="Diagnostics.NativeLeakTracker"/>); ONNX Runtime's own finalizers free it.</summary>
    ~OnnxRuntimeBinding()
    {
        if (!_gate.IsClosed)
        {
            Diagnostics.NativeLeakTracker.Report($"OnnxRuntimeBinding ({_session.ModelPath ?? "model from bytes"})");
        }
    }

    /// <summary>The input names, in model order.</summary>
    public IEnumerable<string> InputNames => _session.Inputs.Select(d => d.Name);

    /// <summary>The output names (taps included), in session order.</summary>
    public IEnumerable<string> OutputNames => _session.Outputs.Select(d => d.Name);

    /// <summary>
    /// True while some output shape is still to be learned or confirmed on the first <see cref="Run"/> (shapes another
    /// binding learned are only confirmed once a run with this binding's data succeeds).
    /// </summary>
    public bool HasPendingOutputShapes => _pending.Count > 0 || _fromLearned.Count > 0;

    /// <inheritdoc/>
    public HostTensor Input(string name)
    {
        ObjectDisposedException.ThrowIf(_gate.IsClosed, this);
        return _inputs.TryGetValue(name, out HostTensor? t) ? t : throw new TensorNotFoundException(name, _inputs.Keys);
    }

    /// <summary>The input buffer with its element storage type, e.g. <c>Input&lt;float&gt;("x").Span</c>.</summary>
    public HostTensor<T> Input<T>(string name) where T : unmanaged => Input(name) as HostTensor<T>
        ?? throw new TensorShapeException(name, $"the input is {Input(name)}, not stored as {typeof(T).Name}");

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The output's shape is only known after the first <see cref="Run"/>.</exception>
    public HostTensor Output(string name)
    {
        ObjectDisposedException.ThrowIf(_gate.IsClosed, this);
        if (!_outputs.TryGetValue(name, out HostTensor? t))
        {
            throw new TensorNotFoundException(name, _outputs.Keys);
        }
        // A buffer bound from another binding's shapes may still be replaced on the first run: hand it out only after it.
        return t is not null && !_fromLearned.Contains(name) ? t
            : throw new InvalidOperationException($"the shape of output '{name}' is learned on the first Run; call Run first");
    }

    /// <summary>The output buffer with its element storage type.</summary>
    public HostTensor<T> Output<T>(string name) where T : unmanaged => Output(name) as HostTensor<T>
        ?? throw new TensorShapeException(name, $"the output is {Output(name)}, not stored as {typeof(T).Name}");

    /// <inheritdoc/>
    public void Run()
    {
        // Leases on the binding and on its session: neither Dispose frees native state while this run uses it.
        _gate.Enter(this);
        try
        {
            // A disposed session disposes its bindings; this names the session as what is gone.
            ObjectDisposedException.ThrowIf(!_session.Gate.TryEnter(), _session);
            try
            {
                RunLeased();
            }
            finally
            {
                _session.Gate.Exit();
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void RunLeased()
    {
        try
        {
            _session.Native.RunWithBinding(_runOptions, _binding);
        }
        catch (OnnxRuntimeException) when (_fromLearned.Count > 0)
        {
            // Shapes another binding learned did not fit this data (they depend on it): learn this binding's own.
            RelearnOutputs();
            RunLeased();
            return;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxRuntimeFailureException(_session.ModelPath, $"ONNX Runtime failed to run {_session.ModelPath ?? "the model"} on its binding: {ex.Message}", ex);
        }
        _fromLearned.Clear();
        if (_pending.Count > 0)
        {
            AdoptPendingOutputs();
        }
    }

    /// <summary>Waits for a run in flight on another thread, then releases the native binding; later runs throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_gate.Close())
        {
            return;
        }
        GC.SuppressFinalize(this);
        _gate.WaitForLeases();
        ReleaseNative();
        _session.Forget(this);
    }

    private Dictionary<string, long> BindInputs(IReadOnlyDictionary<string, long[]> inputShapes)
    {
        foreach (string name in inputShapes.Keys)
        {
            _session.InputDescriptor(name);
        }
        var symbols = new Dictionary<string, long>();
        foreach (TensorDescriptor d in _session.Inputs)
        {
            if (d.ElementType == TensorElementType.Undefined)
            {
                throw new UnsupportedDataTypeException($"input '{d.Name}' is not a tensor; it cannot be pre-bound");
            }
            long[] shape;
            if (inputShapes.TryGetValue(d.Name, out long[]? given))
            {
                ArgumentNullException.ThrowIfNull(given, d.Name);
                shape = given;
                OrtInputChecks.CheckShape(d, shape);
            }
            else if (d.IsDynamic)
            {
                throw new TensorShapeException(d.Name, $"{d} has dynamic dimensions; give its shape to CreateBinding");
            }
            else
            {
                shape = d.Shape;
            }
            for (int i = 0; i < shape.Length; i++)
            {
                if (d.Shape[i] < 0 && d.SymbolicDimensions[i] is string symbol)
                {
                    symbols[symbol] = shape[i];
                }
            }
            HostTensor buffer = OrtTensorInterop.AllocatePinned(d.ElementType, shape);
            OrtValue value = OrtTensorInterop.WrapPinned(buffer, OrtMemoryInfo.DefaultInstance);
            _values.Add(value);
            _binding.BindInput(d.Name, value);
            _inputs[d.Name] = buffer;
        }
        return symbols;
    }

    private void BindOutputs(Dictionary<string, long> symbols, IReadOnlyDictionary<string, long[]>? learned)
    {
        var taps = new HashSet<string>(_session.TapNames);
        IReadOnlyDictionary<string, long[]>? inferred = null;
        foreach (TensorDescriptor d in _session.Outputs)
        {
            long[]? shape = ResolveShape(d, symbols);
            // A tap without a shape reports rank 0 whether or not it is a scalar.
            bool unknown = shape is null || (taps.Contains(d.Name) && shape.Length == 0);
            if (unknown && d.ElementType is not (TensorElementType.String or TensorElementType.Undefined))
            {
                // Dimensions not named after input dimensions (a Concat's sum, a Reshape's target): ONNX Runtime's shape
                // inference with these input shapes usually knows them, so Output() works before the first run.
                inferred ??= _session.InferOutputShapes(_shapeKey, _inputs.ToDictionary(p => p.Key, p => p.Value.ShapeArray(), StringComparer.Ordinal));
                if (inferred.TryGetValue(d.Name, out long[]? known) && (taps.Contains(d.Name) || known.Length == d.Shape.Length))
                {
                    shape = known;
                    unknown = false;
                }
            }
            // Still unknown (the data decides): learn it on the first run, unless an earlier binding with the same input
            // shapes already did (its first run then allocates nothing either).
            if (unknown && learned is not null && learned.TryGetValue(d.Name, out long[]? seen) && d.ElementType is not (TensorElementType.String or TensorElementType.Undefined))
            {
                BindPinnedOutput(d, seen);
                _fromLearned.Add(d.Name);
                continue;
            }
            if (unknown || d.ElementType is TensorElementType.String or TensorElementType.Undefined)
            {
                _binding.BindOutputToDevice(d.Name, OrtMemoryInfo.DefaultInstance);
                _outputs[d.Name] = null;
                _pending.Add(d.Name);
                continue;
            }
            BindPinnedOutput(d, shape!);
        }
    }

    private void BindPinnedOutput(TensorDescriptor d, long[] shape)
    {
        HostTensor buffer = OrtTensorInterop.AllocatePinned(d.ElementType, shape);
        OrtValue value = OrtTensorInterop.WrapPinned(buffer, OrtMemoryInfo.DefaultInstance);
        _values.Add(value);
        _binding.BindOutput(d.Name, value);
        _outputs[d.Name] = buffer;
    }

    private void RelearnOutputs()
    {
        foreach (string name in _fromLearned)
        {
            _binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
            _outputs[name] = null;
            _pending.Add(name);
        }
        _fromLearned.Clear();
    }

    private static long[]? ResolveShape(TensorDescriptor d, Dictionary<string, long> symbols)
    {
        var shape = new long[d.Shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (d.Shape[i] >= 0)
            {
                shape[i] = d.Shape[i];
            }
            else if (d.SymbolicDimensions[i] is string s && symbols.TryGetValue(s, out long v))
            {
                shape[i] = v;
            }
            else
            {
                return null;
            }
        }
        return shape;
    }

    private void AdoptPendingOutputs()
    {
        var learnedShapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        string[] names = _binding.GetOutputNames();
        using IDisposableReadOnlyCollection<OrtValue> values = _binding.GetOutputValues();
        int i = 0;
        foreach (OrtValue value in values)
        {
            string name = names[i++];
            if (!_pending.Contains(name))
            {
                continue;
            }
            if (!value.IsTensor || OrtTensorInterop.FromOrt(value.GetTensorTypeAndShape().ElementDataType) == TensorElementType.String)
            {
                // Strings cannot be bound in place: stay on ONNX Runtime's allocator and copy after each run.
                _outputs[name] = OrtTensorInterop.ToHost(value, name);
                continue;
            }
            var info = value.GetTensorTypeAndShape();
            // Straight from ONNX Runtime's buffer into the pinned one: no intermediate managed copy.
            HostTensor buffer = OrtTensorInterop.AllocatePinned(OrtTensorInterop.FromOrt(info.ElementDataType), info.Shape);
            OrtTensorInterop.CopyInto(value, buffer);
            learnedShapes[name] = info.Shape;
            OrtValue bound = OrtTensorInterop.WrapPinned(buffer, OrtMemoryInfo.DefaultInstance);
            _values.Add(bound);
            _binding.BindOutput(name, bound);
            _outputs[name] = buffer;
        }
        _pending.RemoveAll(n => _outputs[n] is { ElementType: not TensorElementType.String });
        _session.OutputShapes.RememberLearned(_shapeKey, learnedShapes);
    }

    private void ReleaseNative()
    {
        _binding.Dispose();
        foreach (OrtValue v in _values)
        {
            v.Dispose();
        }
        _values.Clear();
        _runOptions.Dispose();
    }
}
