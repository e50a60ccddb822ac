using System.Text;
using TrtSharp.Cuda;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Interop;
using TrtSharp.Interop.Generated;
using TrtSharp.Interop.Handles;

namespace TrtSharp.TensorRT;

/// <summary>
/// A TensorRT execution context (<c>IExecutionContext</c>) behind the backend-neutral <see cref="IInferenceSession"/>.
/// Host-level <see cref="Run"/> and <see cref="CreateBinding"/> copy through pinned memory on the context's own stream;
/// <see cref="SetTensorAddress"/> + <see cref="EnqueueAsync"/> run on device pointers and a caller stream.
/// One context runs one inference at a time; create one context per concurrent stream.
/// </summary>
public sealed unsafe class ExecutionContext : IInferenceSession
{
    private readonly Engine _engine;
    private readonly bool _ownsEngine;
    private readonly Dictionary<string, byte[]> _utf8Names = new(StringComparer.Ordinal);
    private readonly CudaStream _stream;
    private LayerProfiler? _profiler;
    private readonly Dictionary<string, OutputAllocator> _outputAllocators = new(StringComparer.Ordinal);

    internal ExecutionContext(Engine engine, bool ownsEngine = false)
    {
        TensorRtRuntime.EnsureAvailable();
        _engine = engine;
        _ownsEngine = ownsEngine;
        Handle = new ContextHandle();
        TrtsContext* raw = null;
        var status = TrtsNative.ContextCreate(engine.Handle.Value, TrtsAllocationStrategy.Static, &raw);
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
            Device = CudaDevice.Current.Name;
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

    /// <summary>The engine this context runs.</summary>
    public Engine Engine => _engine;

    /// <summary>The stream host-level runs use.</summary>
    public CudaStream Stream => _stream;

    /// <summary>When true, bindings capture their enqueue into a CUDA graph after one warm-up run and replay it.</summary>
    public bool UseCudaGraph { get; set; }

    /// <inheritdoc />
    public string Backend => "tensorrt";

    /// <inheritdoc />
    public string Device { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorDescriptor> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorDescriptor> Outputs { get; }

    /// <summary>Opens a <c>.plan</c> (checking its manifest) and creates a context that owns the engine.</summary>
    /// <exception cref="BackendUnavailableException">TensorRT or a CUDA device is missing here.</exception>
    public static ExecutionContext Open(string planPath, bool checkManifest = true)
    {
        var engine = Engine.Load(planPath, checkManifest);
        try
        {
            return new ExecutionContext(engine, ownsEngine: true);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Sets the shape of a dynamic input (within the active profile's min/max).</summary>
    public void SetInputShape(string name, ReadOnlySpan<long> shape)
    {
        var dims = ShimDims.From(shape, name);
        fixed (byte* n = Utf8(name))
        {
            NativeStatus.Check(TrtsNative.ContextSetInputShape(Handle.Value, n, &dims), $"setting the shape of input '{name}' to {HostTensor.FormatShape(shape)}");
        }
    }

    /// <summary>The current shape of a tensor (outputs resolved from the input shapes set so far).</summary>
    public long[] GetTensorShape(string name)
    {
        TrtsDims dims;
        fixed (byte* n = Utf8(name))
        {
            NativeStatus.Check(TrtsNative.ContextGetTensorShape(Handle.Value, n, &dims), $"reading the shape of '{name}'");
        }
        return ShimDims.ToArray(dims);
    }

    /// <summary>Binds a tensor to device memory of at least its byte size.</summary>
    public void SetTensorAddress(string name, IntPtr devicePointer)
    {
        fixed (byte* n = Utf8(name))
        {
            NativeStatus.Check(TrtsNative.ContextSetTensorAddress(Handle.Value, n, (void*)devicePointer), $"binding '{name}'");
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
            NativeStatus.Check(TrtsNative.ContextSetOutputAllocator(Handle.Value, n, &desc), $"installing the output allocator of '{name}'");
        }
        _outputAllocators[name] = allocator;
    }

    /// <summary>Detaches <paramref name="allocator"/> wherever it is installed, before it is freed (TensorRT must never call into it again).</summary>
    internal void DetachOutputAllocator(OutputAllocator allocator)
    {
        if (Handle.IsClosed)
        {
            return;
        }
        foreach (var (name, installed) in _outputAllocators.ToArray())
        {
            if (ReferenceEquals(installed, allocator))
            {
                fixed (byte* n = Utf8(name))
                {
                    NativeStatus.Check(TrtsNative.ContextSetOutputAllocator(Handle.Value, n, null), $"removing the output allocator of '{name}'");
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
        NativeStatus.Check(profiler is null
            ? TrtsNative.ContextSetProfiler(Handle.Value, null, null)
            : TrtsNative.ContextSetProfiler(Handle.Value, LayerProfiler.Trampoline, (void*)profiler.UserPointer), "trts_context_set_profiler");
        _profiler = profiler;
    }

    /// <summary>Enqueues one inference on <paramref name="stream"/> (every tensor bound, every dynamic input shaped).</summary>
    public void EnqueueAsync(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Hold the stream across the call: a concurrent Dispose must not destroy it while TensorRT enqueues on it.
        using var lease = stream.Lease();
        NativeStatus.Check(TrtsNative.ContextEnqueue(Handle.Value, (void*)lease.Value), "trts_context_enqueue");
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
        using var binding = CreateBinding(inputs.ToDictionary(p => p.Key, p => p.Value.ShapeArray(), StringComparer.Ordinal));
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
    public IInferenceBinding CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes = null) =>
        new TensorRtBinding(this, inputShapes);

    /// <inheritdoc />
    public void Dispose()
    {
        // Wait for a run in progress on another thread: TensorRT must not lose its context mid-enqueue.
        lock (Gate)
        {
            _stream.Dispose();
            Handle.Dispose();
        }
        if (_ownsEngine)
        {
            _engine.Dispose();
        }
    }

    internal byte[] Utf8(string name) =>
        _utf8Names.TryGetValue(name, out var bytes) ? bytes : throw new TensorNotFoundException(name, _utf8Names.Keys.ToArray());
}
