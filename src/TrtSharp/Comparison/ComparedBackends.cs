using TrtSharp.Inference;

namespace TrtSharp.Comparison;

/// <summary>Which backend ran each side of a comparison, and why (as <see cref="InferenceSessionFactory"/> chose them).</summary>
/// <param name="Actual">The side being checked.</param>
/// <param name="Reference">The reference side.</param>
public sealed record ComparedBackends(BackendChoice Actual, BackendChoice Reference);
