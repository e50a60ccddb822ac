using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.Inference;

namespace TrtSharp.TensorRT;

/// <summary>
/// Host tensors, pinned staging buffers and device buffers allocated once for fixed input shapes, so that
/// <see cref="Run"/> allocates nothing: host → pinned → device, enqueue (or graph replay), device → pinned → host.
/// </summary>
public sealed class TensorRtBinding : IInferenceBinding
{
    private readonly ExecutionContext _context;
    private readonly Slot[] _inputs;
    private readonly Slot[] _outputs;
    private CudaGraph? _graph;
    private CudaEvent[]? _events;

    internal TensorRtBinding(ExecutionContext context, IReadOnlyDictionary<string, long[]>? inputShapes)
    {
        _context = context;
        var inputs = new List<Slot>();
        var outputs = new List<Slot>();
        try
        {
            lock (context.Gate)
            {
                foreach (var d in context.Inputs)
                {
                    long[] shape = inputShapes is not null && inputShapes.TryGetValue(d.Name, out var given) ? given
                        : d.IsDynamic ? throw new TensorShapeException(d.Name, $"dynamic input {d} needs a shape for the binding")
                        : d.Shape;
                    context.SetInputShape(d.Name, shape);
                    inputs.Add(new Slot(d.Name, d.ElementType, shape));
                }
                foreach (var d in context.Outputs)
                {
                    long[] shape = context.GetTensorShape(d.Name);
                    if (Array.Exists(shape, x => x < 0))
                    {
                        throw new TensorShapeException(d.Name, $"output shape {HostTensor.FormatShape(shape)} depends on the data; not supported by bindings");
                    }
                    outputs.Add(new Slot(d.Name, d.ElementType, shape));
                }
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
    public HostTensor Input(string name) => Find(_inputs, name).Host;

    /// <inheritdoc/>
    public HostTensor Output(string name) => Find(_outputs, name).Host;

    /// <summary>Record CUDA events around each phase of every run into <see cref="LastPhases"/> (for benchmarks).</summary>
    public bool RecordPhases { get; set; }

    /// <summary>Skip the host↔device copies: time the engine alone on the data already on the device (trtexec --noDataTransfers).</summary>
    public bool SkipTransfers { get; set; }

    /// <summary>The phases of the last run, when <see cref="RecordPhases"/> is on.</summary>
    public TensorRtPhases LastPhases { get; private set; }

    /// <inheritdoc/>
    public void Run()
    {
        var stream = _context.Stream;
        lock (_context.Gate)
        {
            var events = RecordPhases ? _events ??= [new CudaEvent(), new CudaEvent(), new CudaEvent(), new CudaEvent()] : null;
            events?[0].Record(stream);
            if (!SkipTransfers)
            {
                foreach (var s in _inputs)
                {
                    s.Host.AsBytes().CopyTo(s.Pinned.Span);
                    s.Device.CopyFrom(s.Pinned, stream);
                }
            }
            events?[1].Record(stream);
            long enqueueStart = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_graph is not null)
            {
                _graph.Launch(stream);
            }
            else
            {
                Bind();
                _context.EnqueueAsync(stream);
                // TensorRT needs one plain enqueue (lazy initialisation) before its work can be captured; capture records
                // without executing, so this run's results come from the plain enqueue.
                if (_context.UseCudaGraph)
                {
                    _graph = CudaGraph.Capture(stream, _context.EnqueueAsync);
                }
            }
            double enqueueMs = System.Diagnostics.Stopwatch.GetElapsedTime(enqueueStart).TotalMilliseconds;
            events?[2].Record(stream);
            if (!SkipTransfers)
            {
                foreach (var s in _outputs)
                {
                    s.Device.CopyTo(s.Pinned, stream);
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
            if (!SkipTransfers)
            {
                foreach (var s in _outputs)
                {
                    var host = s.Host.AsBytes();
                    s.Pinned.Span[..host.Length].CopyTo(host);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
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

    private void Bind()
    {
        // Another binding may have used the context since: shapes and addresses are set on every plain run.
        foreach (var s in _inputs)
        {
            _context.SetInputShape(s.Name, s.Host.Shape);
            _context.SetTensorAddress(s.Name, s.Device.Pointer);
        }
        foreach (var s in _outputs)
        {
            _context.SetTensorAddress(s.Name, s.Device.Pointer);
        }
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
        public Slot(string name, TensorElementType type, long[] shape)
        {
            Name = name;
            Host = HostTensor.Allocate(type, shape);
            // Zero-sized tensors still get a valid (1-byte) address: TensorRT rejects null addresses.
            int bytes = Math.Max(1, Host.AsBytes().Length);
            Pinned = new PinnedBuffer<byte>(bytes);
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

        public string Name { get; }

        public HostTensor Host { get; }

        public PinnedBuffer<byte> Pinned { get; }

        public DeviceBuffer<byte> Device { get; }

        public void Dispose()
        {
            Pinned.Dispose();
            Device.Dispose();
        }
    }
}
