namespace TrtSharp.Inference;

/// <summary>Which backend <see cref="InferenceSessionFactory"/> chose for a model, and why.</summary>
/// <param name="Backend">The backend that runs the session.</param>
/// <param name="Reasons">
/// Concrete facts behind the choice, most important first: why a better backend was not used (e.g. "TensorRT: no CUDA
/// device: …"), each execution provider ONNX Runtime skipped with what is missing, and how the engine was obtained.
/// </param>
public sealed record BackendChoice(InferenceBackend Backend, IReadOnlyList<string> Reasons)
{
    /// <inheritdoc/>
    public override string ToString() => Reasons.Count == 0 ? Backend.Name() : $"{Backend.Name()} ({string.Join("; ", Reasons)})";
}
