using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.Benchmarking;

/// <summary>
/// A session's binding with its inputs filled once (seeded random, or given tensors), ready to be timed:
/// <see cref="Run"/> is the binding's own allocation-free run.
/// </summary>
public sealed class PreparedRun : IDisposable
{
    private readonly IInferenceBinding _binding;

    private PreparedRun(IInferenceBinding binding, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        _binding = binding;
        InputShapes = inputShapes;
        Run = binding.Run; // one delegate, created once, so timed calls allocate nothing
    }

    /// <summary>The concrete input shapes bound.</summary>
    public IReadOnlyDictionary<string, long[]> InputShapes { get; }

    /// <summary>Runs the model once on the bound buffers.</summary>
    public Action Run { get; }

    /// <summary>The binding, e.g. to read outputs after a run.</summary>
    public IInferenceBinding Binding => _binding;

    /// <summary>
    /// Binds <paramref name="session"/> for the shapes in <paramref name="shapes"/> (dynamic dimensions default to 1)
    /// and fills every input: from <paramref name="given"/> where present, otherwise random from <paramref name="seed"/>.
    /// Runs once so that outputs with data-dependent shapes are bound before timing.
    /// </summary>
    public static PreparedRun Create(IInferenceSession session, IReadOnlyDictionary<string, long[]>? shapes, int seed,
        IReadOnlyDictionary<string, HostTensor>? given = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        Dictionary<string, HostTensor> inputs = Comparison.ComparisonInputs.Create(session.Inputs, given, shapes, seed);
        var bound = inputs.ToDictionary(kv => kv.Key, kv => kv.Value.ShapeArray(), StringComparer.Ordinal);
        IInferenceBinding binding = session.CreateBinding(bound);
        try
        {
            foreach ((string name, HostTensor tensor) in inputs)
            {
                tensor.AsBytes().CopyTo(binding.Input(name).AsBytes());
            }
            binding.Run();
            return new PreparedRun(binding, bound);
        }
        catch
        {
            binding.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _binding.Dispose();
}
