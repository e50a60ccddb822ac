namespace TrtSharp.Cuda;

/// <summary>
/// Counts CUDA resources that were never disposed and were found by the garbage collector instead.
/// </summary>
/// <remarks>
/// A finalizer must not call CUDA: it runs on the finalizer thread, possibly during process shutdown after the
/// runtime has torn down its contexts, and freeing there can crash or deadlock. So a CUDA object that is collected
/// without <c>Dispose</c> is leaked on purpose (its memory returns to the driver when the process exits) and reported
/// here. Tests and applications can assert that <see cref="Count"/> does not grow. Thread-safe.
/// </remarks>
public static class CudaLeakTracker
{
    private static long s_count;

    /// <summary>How many CUDA resources have been finalized without being disposed since the process started.</summary>
    public static long Count => Interlocked.Read(ref s_count);

    /// <summary>
    /// Raised on the finalizer thread with the kind of resource leaked (e.g. <c>DeviceBuffer</c>). Handlers must be
    /// quick and must not throw; exceptions from handlers are swallowed.
    /// </summary>
    public static event Action<string>? LeakDetected;

    internal static void Report(string kind)
    {
        Interlocked.Increment(ref s_count);
        try
        {
            LeakDetected?.Invoke(kind);
        }
#pragma warning disable CA1031 // An exception escaping a finalizer would kill the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
