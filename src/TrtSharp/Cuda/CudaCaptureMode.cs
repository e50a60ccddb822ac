namespace TrtSharp.Cuda;

/// <summary>How strictly CUDA guards other API calls while a stream is being captured (<c>cudaStreamCaptureMode</c>).</summary>
public enum CudaCaptureMode
{
    /// <summary>Unsafe calls (e.g. <c>cudaMalloc</c>) from any thread fail while any capture is in progress.</summary>
    Global = 0,

    /// <summary>Only unsafe calls from the capturing thread fail; other threads are unaffected.</summary>
    ThreadLocal = 1,

    /// <summary>No calls are guarded; the caller ensures nothing unsafe happens during capture.</summary>
    Relaxed = 2,
}
