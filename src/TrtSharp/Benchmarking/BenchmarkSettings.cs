namespace TrtSharp.Benchmarking;

/// <summary>How long to warm up and how much to measure.</summary>
public sealed record BenchmarkSettings
{
    /// <summary>Warm-up time before measuring (JIT tiering needs 30-50 calls of a TensorPrimitives-heavy kernel; caches settle).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timed runs; when null, <see cref="Duration"/> decides.</summary>
    public int? Iterations { get; init; }

    /// <summary>Timed duration when <see cref="Iterations"/> is null.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Upper bound on timed runs in duration mode, so fast models don't fill memory with samples.</summary>
    public int MaxIterations { get; init; } = 1_000_000;
}
