using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.TensorRT;

/// <summary>
/// Host tensors, pinned staging buffers and device buffers allocated once for fixed input shapes, so that
/// <see cref="Run"/> allocates nothing: host → pinned → device, enqueue (or graph replay), device → pinned → host.
/// </summary>
/// <remarks>
/// <para>Tensors TensorRT keeps in host memory (shape tensors, <see cref="EngineTensor.OnHost"/>) are bound to their
/// pinned buffer directly; TensorRT reads their values when it enqueues.</para>
/// <para>Outputs whose shape is unknown once the input shapes are set (data-dependent shapes), and every output of an
/// engine with shape-tensor inputs (their shapes may follow values written after the binding is made), get their device memory from an output allocator that grows on demand; after each run their
/// <see cref="Output"/> has the shape TensorRT reported. Such a run waits for its stream before copying those outputs,
/// and a new host tensor is made only when an output's shape changes. CUDA-graph replay is refused for these bindings:
/// a captured graph would freeze the values and sizes it saw once. Their device-to-host copy follows the stream
/// synchronisation, so <see cref="LastPhases"/> does not include it.</para>
/// <para>Each binding runs with its own optimization profile and re-binds whenever another binding (or a direct
/// call) changed the context in between; a captured CUDA graph is then captured again, since it replays the work of
/// the state it saw. When capture fails, the binding logs it once and stays on plain enqueues.</para>
/// </remarks>
public sealed class TensorRtBinding : IInferenceBinding
{
    private readonly TensorRtContext _context;
    private readonly Slot[] _inputs;
    private readonly Slot[] _outputs;
    private readonly OutputAllocator? _allocator;
    private readonly int _profile;
    private readonly bool _graphAllowed;
    private CudaGraph? _graph;
    private bool _captureFailed;
    private CudaEvent[]? _events;

    internal TensorRtBinding(TensorRtContext context, IReadOnlyDictionary<string, long[]>? inputShapes, int profile, bool graphAllowed)
    {
        if (profile < 0 || profile >= Math.Max(1, context.Engine.ProfileCount))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, $"the engine has {context.Engine.ProfileCount} optimization profile(s)");
        }
        _context = context;
        _profile = profile;
        _graphAllowed = graphAllowed;
        var inputs = new List<Slot>();
        var outputs = new List<Slot>();
        try
        {
            lock (context.Gate)
            {
                context.MakeDeviceCurrent();
                if (context.State.ActiveProfile != profile)
                {
                    context.SetOptimizationProfile(profile);
                }
                foreach (var t in context.Engine.Inputs)
                {
                    var d = t.Descriptor;
                    long[] shape = inputShapes is not null && inputShapes.TryGetValue(d.Name, out var given) ? given
                        : d.IsDynamic ? throw new TensorShapeException(d.Name, $"dynamic input {d} needs a shape for the binding")
                        : d.Shape;
                    context.SetInputShape(d.Name, shape);
                    inputs.Add(new Slot(d.Name, d.ElementType, shape, t.OnHost));
                }
                // Shape-tensor values are written by the caller after this constructor, so output shapes that may follow
                // them are only known per run: with such inputs every output goes through the output allocator.
                bool valuesDecideShapes = context.Engine.Inputs.Any(t => t.IsShapeInferenceIO);
                foreach (var t in context.Engine.Outputs)
                {
                    // A host-located (shape) output has its size fixed by the engine; device outputs may follow the values.
                    long[] shape = t.OnHost && !Array.Exists(t.Shape, x => x < 0) ? t.Shape
                        : valuesDecideShapes ? [-1] : context.GetTensorShape(t.Name);
                    outputs.Add(Array.Exists(shape, x => x < 0)
                        ? Slot.DataDependent(t.Name, t.ElementType, t.OnHost)
                        : new Slot(t.Name, t.ElementType, shape, t.OnHost));
                }
            }
            if (outputs.Exists(s => s.IsDataDependent))
            {
                if (outputs.Exists(s => s.IsDataDependent && s.OnHost))
                {
                    throw new UnsupportedDataTypeException(
                        $"output '{outputs.First(s => s.IsDataDependent && s.OnHost).Name}' is a host-located shape output with a data-dependent size; bindings support data-dependent outputs on the device only");
                }
                _allocator = new OutputAllocator(outputs.Where(s => s.IsDataDependent).Select(s => s.Name), device: context.DeviceIndex);
            }
        }
        catch
        {
            foreach (var s in inputs.Concat(outputs))
            {
                s.Dispose();
            }
            throw;
        }
        _inputs = inputs.ToArray();
        _outputs = outputs.ToArray();
    }

    /// <inheritdoc/>
    public HostTensor Input(string name) => Find(_inputs, name).Host!;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">A data-dependent output before the first <see cref="Run"/>.</exception>
    public HostTensor Output(string name) => Find(_outputs, name).Host
        ?? throw new InvalidOperationException($"the shape of output '{name}' depends on the data; it is known after the first Run");

    /// <summary>True when some output's shape depends on the data (known per run, served by an output allocator).</summary>
    public bool HasDataDependentOutputs => _allocator is not null;

    /// <summary>Record CUDA events around each phase of every run into <see cref="LastPhases"/> (for benchmarks).</summary>
    public bool RecordPhases { get; set; }

    /// <summary>Skip the host↔device copies: time the engine alone on the data already on the device (trtexec --noDataTransfers).</summary>
    public bool SkipTransfers { get; set; }

    /// <summary>The phases of the last run, when <see cref="RecordPhases"/> is on.</summary>
    public TensorRtPhases LastPhases { get; private set; }

    /// <summary>The optimization profile this binding runs with.</summary>
    public int Profile => _profile;

    /// <summary>True while runs replay a captured CUDA graph (after the first run with <c>UseCudaGraph</c> on).</summary>
    public bool IsReplayingGraph => _graph is not null;

    /// <summary>True when CUDA-graph capture failed for this binding; it then runs plain enqueues.</summary>
    public bool GraphCaptureFailed => _captureFailed;

    /// <inheritdoc/>
    public void Run()
    {
        var stream = _context.Stream;
        lock (_context.Gate)
        {
            _context.MakeDeviceCurrent();
            bool useGraph = _context.UseCudaGraph && _graphAllowed;
            if (useGraph && (_allocator is not null || Array.Exists(_inputs, s => s.OnHost)))
            {
                throw new InvalidOperationException(
                    "CUDA-graph replay cannot serve this engine: it has shape-tensor inputs or data-dependent output shapes, whose values and sizes a captured graph would freeze; turn UseCudaGraph off");
            }
            var step = GraphStepPolicy.Next(_context.UseCudaGraph, _graphAllowed, _graph is not null, _captureFailed, _context.State.IsBoundTo(this));
            if (step != GraphStep.Replay && _graph is not null)
            {
                // Graph use turned off, or the context changed under it: the old graph must never replay again.
                _graph.Dispose();
                _graph = null;
            }
            var events = RecordPhases ? _events ??= [new CudaEvent(), new CudaEvent(), new CudaEvent(), new CudaEvent()] : null;
            events?[0].Record(stream);
            if (!SkipTransfers)
            {
                foreach (var s in _inputs)
                {
                    s.Host!.AsBytes().CopyTo(s.Pinned!.Span);
                    // Host-located inputs are read by TensorRT from the pinned buffer itself.
                    s.Device?.CopyFrom(s.Pinned, stream);
                }
            }
            events?[1].Record(stream);
            long enqueueStart = System.Diagnostics.Stopwatch.GetTimestamp();
            if (step == GraphStep.Replay)
            {
                _graph!.Launch(stream);
                _context.ReportLayerTimes();
            }
            else
            {
                Bind();
                _allocator?.BeginRun();
                try
                {
                    _context.EnqueueCore(stream, reportProfile: true);
                }
                catch (TrtSharpException ex) when (_allocator?.Failure is { } cause)
                {
                    // TensorRT only saw a null block; the allocator knows why.
                    throw new TrtSharpException($"{ex.Message}; the output allocator failed first: {cause.Message}", cause);
                }
                // TensorRT needs one plain enqueue (lazy initialisation) before its work can be captured; capture records
                // without executing, so this run's results come from the plain enqueue.
                if (step == GraphStep.EnqueueAndCapture)
                {
                    TryCapture(stream);
                }
            }
            double enqueueMs = System.Diagnostics.Stopwatch.GetElapsedTime(enqueueStart).TotalMilliseconds;
            events?[2].Record(stream);
            if (!SkipTransfers)
            {
                foreach (var s in _outputs)
                {
                    if (s.Device is not null && !s.IsDataDependent)
                    {
                        s.Device.CopyTo(s.Pinned!, stream);
                    }
                }
            }
            events?[3].Record(stream);
            stream.Synchronize();
            if (events is not null)
            {
                LastPhases = new TensorRtPhases(enqueueMs,
                    CudaEvent.ElapsedMilliseconds(events[0], events[1]),
                    CudaEvent.ElapsedMilliseconds(events[1], events[2]),
                    CudaEvent.ElapsedMilliseconds(events[2], events[3]));
            }
            if (_allocator?.Failure is { } failure)
            {
                throw new TrtSharpException($"the output allocator failed during the run: {failure.Message}", failure);
            }
            if (!SkipTransfers)
            {
                foreach (var s in _outputs)
                {
                    if (s.IsDataDependent)
                    {
                        CopyDataDependent(s, stream);
                    }
                    else
                    {
                        var host = s.Host!.AsBytes();
                        s.Pinned!.Span[..host.Length].CopyTo(host);
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_context.Gate)
        {
            if (!_context.Handle.IsDisposed)
            {
                // TensorRT must never call into a freed allocator, nor copies still queued touch freed buffers.
                if (_allocator is not null)
                {
                    _context.DetachOutputAllocator(_allocator);
                }
                try
                {
                    _context.MakeDeviceCurrent();
                    _context.Stream.Synchronize();
                }
                catch (CudaException)
                {
                    // A failed device: nothing more can run; release anyway.
                }
            }
            if (_context.State.IsBoundTo(this))
            {
                _context.State.Invalidate();
            }
        }
        _allocator?.Dispose();
        _graph?.Dispose();
        foreach (var e in _events ?? [])
        {
            e.Dispose();
        }
        foreach (var s in _inputs.Concat(_outputs))
        {
            s.Dispose();
        }
    }

    private void TryCapture(CudaStream stream)
    {
        try
        {
            _graph = CudaGraph.Capture(stream, s => _context.EnqueueCore(s, reportProfile: false));
        }
        catch (Exception ex) when (ex is CudaException or TrtSharpException)
        {
            // The plain enqueue above already produced this run's results; later runs stay on plain enqueues rather
            // than failing (and re-failing) capture every time.
            _captureFailed = true;
            TensorRtLogBridge.Warn($"CUDA-graph capture failed; this binding runs plain enqueues from now on: {ex.Message}");
        }
    }

    private void Bind()
    {
        // Another binding may have used the context since: profile, shapes and addresses are set on every plain run.
        if (_context.State.ActiveProfile != _profile)
        {
            _context.SetOptimizationProfile(_profile);
        }
        foreach (var s in _inputs)
        {
            _context.SetInputShape(s.Name, s.Host!.Shape);
            _context.SetTensorAddress(s.Name, s.Address);
        }
        foreach (var s in _outputs)
        {
            if (s.IsDataDependent)
            {
                _context.SetOutputAllocator(s.Name, _allocator!);
            }
            else
            {
                _context.SetTensorAddress(s.Name, s.Address);
            }
        }
        _context.State.MarkBound(this);
    }

    private void CopyDataDependent(Slot s, CudaStream stream)
    {
        if (!_allocator!.TryGetShape(s.Name, out var shape))
        {
            throw new TrtSharpException($"TensorRT did not report the shape of data-dependent output '{s.Name}'");
        }
        if (s.Host is null || !s.Host.Shape.SequenceEqual(shape))
        {
            // A new host tensor only when the shape changes; same-sized results reuse it.
            s.Host = HostTensor.Allocate(s.ElementType, shape);
        }
        var bytes = s.Host.AsBytes();
        if (bytes.IsEmpty)
        {
            return;
        }
        var device = _allocator.Pointer(s.Name);
        CudaMemory.CopyDeviceToHost(device, bytes, stream);
    }

    private Slot Find(Slot[] slots, string name)
    {
        foreach (var s in slots)
        {
            if (s.Name == name)
            {
                return s;
            }
        }
        throw new TensorNotFoundException(name, _inputs.Concat(_outputs).Select(s => s.Name));
    }

    private sealed class Slot : IDisposable
    {
        public Slot(string name, TensorElementType type, long[] shape, bool onHost)
        {
            Name = name;
            ElementType = type;
            OnHost = onHost;
            Host = HostTensor.Allocate(type, shape);
            // Zero-sized tensors still get a valid (1-byte) address: TensorRT rejects null addresses.
            int bytes = Math.Max(1, Host.AsBytes().Length);
            Pinned = new PinnedBuffer<byte>(bytes);
            if (onHost)
            {
                return;
            }
            try
            {
                Device = new DeviceBuffer<byte>(bytes);
            }
            catch
            {
                Pinned.Dispose();
                throw;
            }
        }

        private Slot(string name, TensorElementType type, bool onHost)
        {
            Name = name;
            ElementType = type;
            OnHost = onHost;
            IsDataDependent = true;
        }

        public static Slot DataDependent(string name, TensorElementType type, bool onHost) => new(name, type, onHost);

        public string Name { get; }

        public TensorElementType ElementType { get; }

        public bool OnHost { get; }

        public bool IsDataDependent { get; }

        /// <summary>Null for a data-dependent output until its first run.</summary>
        public HostTensor? Host { get; set; }

        /// <summary>Null for data-dependent outputs (their memory comes from the output allocator).</summary>
        public PinnedBuffer<byte>? Pinned { get; }

        /// <summary>Null for host-located tensors and data-dependent outputs.</summary>
        public DeviceBuffer<byte>? Device { get; }

        /// <summary>What TensorRT is given: device memory, or the pinned buffer for host-located tensors.</summary>
        public IntPtr Address => Device?.Pointer ?? Pinned!.Pointer;

        public void Dispose()
        {
            Pinned?.Dispose();
            Device?.Dispose();
        }
    }
}
