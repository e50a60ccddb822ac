namespace TrtSharp.Diagnostics;

/// <summary>
/// Counts native objects that were never disposed and were found by the garbage collector instead: TensorRT shim
/// handles, CUDA resources, ONNX Runtime sessions and bindings. The one leak tracker of the library.
/// </summary>
/// <remarks>
/// A finalizer must not call TensorRT or CUDA: it runs on the finalizer thread, possibly during process shutdown
/// after the runtime has torn down its contexts, and freeing there can crash or deadlock. So a shim or CUDA object
/// collected without <c>Dispose</c> is leaked on purpose (the driver takes its memory back when the process exits)
/// and reported here. ONNX Runtime's own wrappers still free their objects from finalizers, but a forgotten session
/// holds its weights, arena and threads until then, so it is reported too. Tests and applications can assert that
/// <see cref="Count"/> does not grow. Thread-safe.
/// </remarks>
public static class NativeLeakTracker
{
    private static long s_count;

    /// <summary>How many native objects have been finalized without being disposed since the process started.</summary>
    public static long Count => Interlocked.Read(ref s_count);

    /// <summary>
    /// Raised on the finalizer thread with what leaked (e.g. <c>trts_engine</c>, <c>DeviceBuffer</c>,
    /// <c>OnnxRuntimeSession model.onnx</c>). Handlers must be quick; exceptions from handlers are swallowed.
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
