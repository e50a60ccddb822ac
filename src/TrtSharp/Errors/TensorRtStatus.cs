namespace TrtSharp.Errors;

/// <summary>Why a call into the TensorRT shim failed (the shim's <c>trts_status</c>, with the same values).</summary>
public enum TensorRtStatus
{
    /// <summary>An argument was rejected (a null, an out-of-range value, a name the engine does not have).</summary>
    InvalidArgument = 1,

    /// <summary>The shim was built without TensorRT, or TensorRT could not be loaded.</summary>
    Unavailable = 2,

    /// <summary>The TensorRT version in use does not have the feature.</summary>
    Unsupported = 3,

    /// <summary>TensorRT's ONNX parser rejected the model.</summary>
    Parse = 4,

    /// <summary>The engine build failed.</summary>
    Build = 5,

    /// <summary>A CUDA call inside TensorRT failed.</summary>
    Cuda = 6,

    /// <summary>Host or device memory ran out.</summary>
    OutOfMemory = 7,

    /// <summary>An unexpected failure inside the shim or TensorRT.</summary>
    Internal = 8,

    /// <summary>Something named was not found (a tensor, a profile value, a timing cache).</summary>
    NotFound = 9,

    /// <summary>A caller buffer was too small.</summary>
    BufferTooSmall = 10,

    /// <summary>Reading or writing a file failed.</summary>
    IO = 11,

    /// <summary>TensorRT failed at run time (deserialization, enqueue, profiler).</summary>
    Runtime = 12,
}
