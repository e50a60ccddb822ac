using TrtSharp.Tensors;

namespace TrtSharp.Inference;

/// <summary>
/// A loaded model ready to run, whatever executes it: ONNX Runtime on the CPU
/// (<c>OnnxRuntimeSession</c>) or a TensorRT engine on a GPU (<c>TensorRtContext</c>).
/// </summary>
/// <remarks>Thread safety: <c>OnnxRuntimeSession</c> runs from many threads at once; an <c>TensorRtContext</c> runs one
/// inference at a time (one context per concurrent stream). See docs/thread-safety.md.</remarks>
public interface IInferenceSession : IDisposable
{
    /// <summary>Which backend runs the model (<see cref="InferenceBackendNames.Name"/> gives its report name).</summary>
    InferenceBackend Backend { get; }

    /// <summary>What really executes it, e.g. "CPUExecutionProvider" or the GPU's name.</summary>
    string Device { get; }

    /// <summary>The inputs, in model order.</summary>
    IReadOnlyList<TensorDescriptor> Inputs { get; }

    /// <summary>The outputs, in model order (taps included, after the model's own outputs).</summary>
    IReadOnlyList<TensorDescriptor> Outputs { get; }

    /// <summary>
    /// Runs once with freshly allocated outputs; convenient, not allocation-free.
    /// Every model input must be given; <paramref name="outputNames"/> null means all outputs.
    /// </summary>
    IReadOnlyDictionary<string, HostTensor> Run(IReadOnlyDictionary<string, HostTensor> inputs, IReadOnlyCollection<string>? outputNames = null);

    /// <summary>
    /// Creates buffers bound once for the given input shapes (required for dynamic inputs), so that
    /// <see cref="IInferenceBinding.Run"/> allocates nothing in steady state.
    /// </summary>
    IInferenceBinding CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes = null);

    /// <summary>
    /// <see cref="CreateBinding(IReadOnlyDictionary{string, long[]})"/> for a dictionary written in place:
    /// <c>CreateBinding(new() { ["x"] = [1, 3, 224, 224] })</c> (a target-typed <c>new()</c> needs a concrete type).
    /// </summary>
    IInferenceBinding CreateBinding(Dictionary<string, long[]>? inputShapes) => CreateBinding((IReadOnlyDictionary<string, long[]>?)inputShapes);
}

/// <summary>Pre-bound input and output buffers of one session; run repeatedly without allocating.</summary>
/// <remarks>Thread safety: one thread at a time; give each thread its own binding (docs/thread-safety.md).</remarks>
public interface IInferenceBinding : IDisposable
{
    /// <summary>The input buffer to fill before <see cref="Run"/>.</summary>
    HostTensor Input(string name);

    /// <summary>The output buffer that <see cref="Run"/> fills.</summary>
    HostTensor Output(string name);

    /// <summary>Runs the model on the bound buffers.</summary>
    void Run();
}
