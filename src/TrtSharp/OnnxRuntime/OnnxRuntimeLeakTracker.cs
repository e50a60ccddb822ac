namespace TrtSharp.OnnxRuntime;

/// <summary>
/// Counts ONNX Runtime sessions and bindings that were never disposed and were found by the garbage collector.
/// </summary>
/// <remarks>
/// ONNX Runtime's own wrappers still release their native objects from their finalizers, so memory comes back; but
/// until then a forgotten session keeps its weights, arena and threads, at a time nobody chose. Tests and
/// applications can assert that <see cref="Count"/> does not grow. Thread-safe.
/// </remarks>
public static class OnnxRuntimeLeakTracker
{
    private static long s_count;

    /// <summary>How many sessions and bindings have been finalized without being disposed since the process started.</summary>
    public static long Count => Interlocked.Read(ref s_count);

    /// <summary>
    /// Raised on the finalizer thread with what leaked (<c>OnnxRuntimeSession</c> or <c>OnnxRuntimeBinding</c>) and
    /// its model. Handlers must be quick; exceptions from handlers are swallowed.
    /// </summary>
    public static event Action<string>? LeakDetected;

    internal static void Report(string what)
    {
        Interlocked.Increment(ref s_count);
        try
        {
            LeakDetected?.Invoke(what);
        }
#pragma warning disable CA1031 // An exception escaping a finalizer would kill the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
