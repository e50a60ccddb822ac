using System.Text;
using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;
using TrtSharp.Tensors;

namespace TrtSharp.TensorRT;

/// <summary>
/// A TensorRT execution context (<c>IExecutionContext</c>) behind the backend-neutral <see cref="IInferenceSession"/>.
/// Host-level <see cref="Run"/> and <see cref="CreateBinding(IReadOnlyDictionary{string, long[]})"/> copy through pinned memory on the context's own stream;
/// <see cref="SetTensorAddress"/> + <see cref="Enqueue"/> run on device pointers and a caller stream.
/// One context runs one inference at a time; create one context per concurrent stream.
/// </summary>
public sealed unsafe class TensorRtContext : IInferenceSession
{
    private readonly Engine _engine;
    private readonly bool _ownsEngine;
    private readonly Dictionary<string, byte[]> _utf8Names = new(StringComparer.Ordinal);
    private readonly CudaStream _stream;
    private CudaStream? _callerStream;
    private LayerProfiler? _profiler;
    private readonly Dictionary<string, OutputAllocator> _outputAllocators = new(StringComparer.Ordinal);

    internal TensorRtContext(Engine engine, bool ownsEngine = false)
    {
        TensorRtRuntime.EnsureAvailable();
        _engine = engine;
        _ownsEngine = ownsEngine;
        Handle = new ContextHandle();
        TrtsContext* raw = null;
        // A context belongs to its engine's device, whatever device the creating thread has current.
        CudaDevice.EnsureCurrent(engine.DeviceIndex);
        using var engineLease = engine.Handle.Lease();
        var status = TrtsNative.ContextCreate(engineLease.Value, TrtsAllocationStrategy.Static, &raw);
        Handle.Attach((nint)raw, engine.Handle);
        NativeStatus.Check(status, "trts_context_create");
        foreach (var t in engine.Tensors)
        {
            _utf8Names[t.Name] = Encoding.UTF8.GetBytes(t.Name + "\0");
        }
        Inputs = engine.Inputs.Select(t => t.Descriptor).ToArray();
        Outputs = engine.Outputs.Select(t => t.Descriptor).ToArray();
        try
        {
            // Contexts, their streams and their buffers belong to the engine's device; every later use sets it again.
            var device = CudaDevice.Current;
            DeviceIndex = device.Index;
            Device = device.Name;
            _stream = new CudaStream();
        }
        catch
        {
            Handle.Dispose();
            throw;
        }
    }

    internal ContextHandle Handle { get; }

    /// <summary>Serializes runs of this context: TensorRT contexts are not thread-safe.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>Profile and last-bound binding, shared by this context's bindings (under <see cref="Gate"/>).</summary>
    internal ContextBindingState State { get; } = new();

    /// <summary>The CUDA device (ordinal) this context was created on; runs make it current on the calling thread.</summary>
    public int DeviceIndex { get; }

    /// <summary>The optimization profile runs use (select one with <see cref="SetOptimizationProfile"/>).</summary>
    public int ActiveProfile => State.ActiveProfile;

    /// <summary>The engine this context runs.</summary>
    public Engine Engine => _engine;

    /// <summary>The stream host-level runs use.</summary>
    public CudaStream Stream => _stream;

    /// <summary>When true, bindings capture their enqueue into a CUDA graph after one warm-up run and replay it.</summary>
    public bool UseCudaGraph { get; set; }

    /// <inheritdoc />
    public InferenceBackend Backend => InferenceBackend.TensorRt;

    /// <inheritdoc />
    public string Device { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorDescriptor> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorDescriptor> Outputs { get; }

    /// <summary>Opens a <c>.plan</c> (checking its manifest) and creates a context that owns the engine.</summary>
    /// <exception cref="BackendUnavailableException">TensorRT or a CUDA device is missing here.</exception>
    public static TensorRtContext Open(string planPath, bool checkManifest = true)
    {
        var engine = Engine.Load(planPath, checkManifest);
        try
        {
            return new TensorRtContext(engine, ownsEngine: true);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Selects optimization profile <paramref name="profile"/> (0 to <see cref="TrtSharp.TensorRT.Engine.ProfileCount"/> - 1) for later
    /// runs; input shapes must be set again afterwards (bindings do so themselves). Waits for the switch to complete.
    /// </summary>
    /// <remarks>
    /// The switch is ordered on this context's own stream. Work a caller enqueued on another stream with
    /// <see cref="Enqueue"/> must be finished (synchronize that stream) before switching: TensorRT calls a switch
    /// that overtakes an earlier enqueue undefined behaviour. Bindings use the context's stream and need nothing.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">No such profile in the engine.</exception>
    public void SetOptimizationProfile(int profile)
    {
        if (profile < 0 || profile >= _engine.ProfileCount)
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, $"the engine has {_engine.ProfileCount} optimization profile(s)");
        }
        lock (Gate)
        {
            MakeDeviceCurrent();
            using (var lease = _stream.Lease())
            {
                using var context = Handle.Lease();
                NativeStatus.Check(TrtsNative.ContextSetOptimizationProfile(context.Value, profile, (void*)lease.Value), $"selecting optimization profile {profile}");
            }
            // The switch is enqueued on this context's stream; a caller's stream must not overtake it.
            _stream.Synchronize();
            State.ProfileSelected(profile);
        }
    }

    /// <summary>Makes <see cref="DeviceIndex"/> the calling thread's current CUDA device (no-op when it is).</summary>
    internal void MakeDeviceCurrent() => CudaDevice.EnsureCurrent(DeviceIndex);

    /// <summary>Sets the shape of a dynamic input (within the active profile's min/max).</summary>
    public void SetInputShape(string name, ReadOnlySpan<long> shape)
    {
        var dims = ShimDims.From(shape, name);
        // Under the gate like a binding's run, so a direct call cannot change the context under it.
        lock (Gate)
        {
            State.Invalidate();
            fixed (byte* n = Utf8(name))
            {
                using var context = Handle.Lease();
                NativeStatus.Check(TrtsNative.ContextSetInputShape(context.Value, n, &dims), $"setting the shape of input '{name}' to {HostTensor.FormatShape(shape)}", shapeOf: name);
            }
        }
    }

    /// <summary>The current shape of a tensor (outputs resolved from the input shapes set so far).</summary>
    public long[] GetTensorShape(string name)
    {
        TrtsDims dims;
        lock (Gate)
        {
            fixed (byte* n = Utf8(name))
            {
                using var context = Handle.Lease();
                NativeStatus.Check(TrtsNative.ContextGetTensorShape(context.Value, n, &dims), $"reading the shape of '{name}'");
            }
        }
        return ShimDims.ToArray(dims);
    }

    /// <summary>Binds a tensor to device memory of at least its byte size.</summary>
    public void SetTensorAddress(string name, IntPtr devicePointer)
    {
        lock (Gate)
        {
            State.Invalidate();
            fixed (byte* n = Utf8(name))
            {
                using var context = Handle.Lease();
                NativeStatus.Check(TrtsNative.ContextSetTensorAddress(context.Value, n, (void*)devicePointer), $"binding '{name}'");
            }
        }
    }

    /// <summary>
    /// Serves <paramref name="name"/>'s memory and shape from <paramref name="allocator"/> (outputs with data-dependent
    /// shapes). Re-installing the allocator already in place is free, so bindings call this on every run.
    /// </summary>
    internal void SetOutputAllocator(string name, OutputAllocator allocator)
    {
        if (_outputAllocators.TryGetValue(name, out var current) && ReferenceEquals(current, allocator))
        {
            return;
        }
        var desc = allocator.Describe();
        fixed (byte* n = Utf8(name))
        {
            using var context = Handle.Lease();
            NativeStatus.Check(TrtsNative.ContextSetOutputAllocator(context.Value, n, &desc), $"installing the output allocator of '{name}'");
        }
        _outputAllocators[name] = allocator;
    }

    /// <summary>Detaches <paramref name="allocator"/> wherever it is installed, before it is freed (TensorRT must never call into it again).</summary>
    internal void DetachOutputAllocator(OutputAllocator allocator)
    {
        if (Handle.IsDisposed)
        {
            return;
        }
        foreach (var (name, installed) in _outputAllocators.ToArray())
        {
            if (ReferenceEquals(installed, allocator))
            {
                fixed (byte* n = Utf8(name))
                {
                    using var context = Handle.Lease();
                    NativeStatus.Check(TrtsNative.ContextSetOutputAllocator(context.Value, n, null), $"removing the output allocator of '{name}'");
                }
                _outputAllocators.Remove(name);
            }
        }
    }

    /// <summary>
    /// Reports every layer's time after each enqueue to <paramref name="profiler"/> (null detaches it). The context keeps
    /// the profiler alive while attached; layer names need an engine built with detailed profiling verbosity.
    /// </summary>
    public void SetLayerProfiler(LayerProfiler? profiler)
    {
        // Under the gate: a run on another thread may be reporting to the profiler being replaced. A captured graph records
        // profiling events only as it was captured (with or without a profiler), so graphs are recaptured after a change.
        lock (Gate)
        {
            using var context = Handle.Lease();
            NativeStatus.Check(profiler is null
                ? TrtsNative.ContextSetProfiler(context.Value, null, null)
                : TrtsNative.ContextSetProfiler(context.Value, LayerProfiler.Trampoline, (void*)profiler.UserPointer), "trts_context_set_profiler");
            _profiler = profiler;
            State.Invalidate();
        }
    }

    /// <summary>
    /// Queues one inference on <paramref name="stream"/> (every tensor bound, every dynamic input shaped), with this
    /// context's device made current, and returns as soon as it is queued: the outputs are complete only once the
    /// stream reaches this point (<see cref="CudaStream.Synchronize"/>, or an event recorded after it). An attached
    /// <see cref="LayerProfiler"/> gets the layer times.
    /// </summary>
    /// <remarks>
    /// Not named <c>EnqueueAsync</c>: it returns no task; completion is signalled by the CUDA stream, as with
    /// TensorRT's <c>enqueueV3</c>. Buffers bound with <see cref="SetTensorAddress"/> must stay alive until then.
    /// <see cref="Dispose"/> waits for the last stream given here; if you dispose that stream first, synchronize it
    /// before (the context's memory is in use until the queued work completes).
    /// </remarks>
    public void Enqueue(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (Gate)
        {
            MakeDeviceCurrent();
            EnqueueCore(stream, reportProfile: true);
            // Dispose waits for this stream too: the context's memory is in use until the queued work completes.
            _callerStream = stream;
        }
    }

    /// <summary>enqueueV3; <paramref name="reportProfile"/> is false while the stream is being captured into a graph.</summary>
    internal void EnqueueCore(CudaStream stream, bool reportProfile)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Hold the stream across the call and the profiler report: a concurrent Dispose must not destroy it while
        // TensorRT enqueues on it, and reportToProfiler reads the stream of the last enqueue (NvInferRuntime.h).
        using var lease = stream.Lease();
        using (var context = Handle.Lease())
        {
            NativeStatus.Check(TrtsNative.ContextEnqueue(context.Value, (void*)lease.Value), "trts_context_enqueue");
        }
        if (reportProfile)
        {
            ReportLayerTimes();
        }
    }

    /// <summary>
    /// Hands the attached profiler the layer times of the last enqueue or graph launch (enqueues only record timing
    /// events, which keeps them asynchronous and capturable, as trtexec does). A failure is logged, not thrown.
    /// </summary>
    internal void ReportLayerTimes()
    {
        if (_profiler is null)
        {
            return;
        }
        using var context = Handle.Lease();
        var status = TrtsNative.ContextReportToProfiler(context.Value);
        if (status != TrtsStatus.Ok)
        {
            TensorRtLogBridge.Warn("no layer times for the last run: " + NativeStatus.LastErrorMessage());
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, HostTensor> Run(IReadOnlyDictionary<string, HostTensor> inputs, IReadOnlyCollection<string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var d in Inputs)
        {
            if (!inputs.ContainsKey(d.Name))
            {
                throw new TensorNotFoundException(d.Name, Inputs.Select(i => i.Name).ToArray());
            }
        }
        // A one-off binding: it never replays, so it never captures a CUDA graph.
        using var binding = new TensorRtBinding(this, inputs.ToDictionary(p => p.Key, p => p.Value.ShapeArray(), StringComparer.Ordinal), State.ActiveProfile, graphAllowed: false);
        foreach (var (name, tensor) in inputs)
        {
            var target = binding.Input(name);
            if (target.ElementType != tensor.ElementType)
            {
                throw new TensorShapeException(name, $"expected {target.ElementType}, got {tensor.ElementType}");
            }
            tensor.AsBytes().CopyTo(target.AsBytes());
        }
        binding.Run();
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var d in Outputs)
        {
            if (outputNames is null || outputNames.Contains(d.Name))
            {
                var output = binding.Output(d.Name);
                var copy = HostTensor.Allocate(output.ElementType, output.Shape);
                output.AsBytes().CopyTo(copy.AsBytes());
                result[d.Name] = copy;
            }
        }
        return result;
    }

    /// <inheritdoc />
    IInferenceBinding IInferenceSession.CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes) => CreateBinding(inputShapes);

    /// <inheritdoc />
    IInferenceBinding IInferenceSession.CreateBinding(Dictionary<string, long[]>? inputShapes) => CreateBinding(inputShapes);

    /// <summary>
    /// Buffers bound once for the given input shapes (required for dynamic inputs) with the active optimization profile.
    /// Every output whose shape follows from the input shapes (TensorRT's <c>getTensorShape</c> once they are set) has
    /// its buffer at once; only data-dependent outputs wait for the first run.
    /// </summary>
    public TensorRtBinding CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes = null) =>
        new(this, inputShapes, State.ActiveProfile, graphAllowed: true);

    /// <summary>
    /// <see cref="CreateBinding(IReadOnlyDictionary{string, long[]})"/> for a dictionary written in place:
    /// <c>CreateBinding(new() { ["x"] = [1, 3, 224, 224] })</c>.
    /// </summary>
    public TensorRtBinding CreateBinding(Dictionary<string, long[]>? inputShapes) => CreateBinding((IReadOnlyDictionary<string, long[]>?)inputShapes);

    /// <summary>A binding that runs with optimization profile <paramref name="profile"/> (switched to before each of its runs when needed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such profile in the engine.</exception>
    public TensorRtBinding CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes, int profile) =>
        new(this, inputShapes, profile, graphAllowed: true);

    /// <summary>The profile overload for a dictionary written in place: <c>CreateBinding(new() { ["x"] = [8, 3, 224, 224] }, 1)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such profile in the engine.</exception>
    public TensorRtBinding CreateBinding(Dictionary<string, long[]>? inputShapes, int profile) =>
        CreateBinding((IReadOnlyDictionary<string, long[]>?)inputShapes, profile);

    /// <inheritdoc />
    public void Dispose()
    {
        // Wait for a run in progress on another thread: TensorRT must not lose its context mid-enqueue.
        lock (Gate)
        {
            if (!Handle.IsDisposed)
            {
                try
                {
                    // Work still queued may use the context and memory registered with it; releasing either before the
                    // stream is done is undefined behaviour (NvInferRuntime.h).
                    MakeDeviceCurrent();
                    _stream.Synchronize();
                    SynchronizeCallerStream();
                }
                catch (CudaException)
                {
                    // A failed device cannot finish the work anyway; release what we hold.
                }
            }
            Handle.Dispose();
            _stream.Dispose();
        }
        if (_ownsEngine)
        {
            _engine.Dispose();
        }
    }

    /// <summary>
    /// Waits for the last stream given to <see cref="Enqueue"/>. When its owner disposed it already, CUDA finishes the
    /// queued work in the background and nothing here can wait for it: the XML docs of <see cref="Enqueue"/> ask
    /// callers to synchronize (or keep) their stream until they dispose the context.
    /// </summary>
    private void SynchronizeCallerStream()
    {
        try
        {
            _callerStream?.Synchronize();
        }
        catch (ObjectDisposedException)
        {
            // Disposed by its owner: documented as the caller's responsibility.
        }
        _callerStream = null;
    }

    internal byte[] Utf8(string name) =>
        _utf8Names.TryGetValue(name, out var bytes) ? bytes : throw new TensorNotFoundException(name, _utf8Names.Keys.ToArray());
}
