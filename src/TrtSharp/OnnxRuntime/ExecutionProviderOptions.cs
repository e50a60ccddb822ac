namespace TrtSharp.OnnxRuntime;

/// <summary>One execution provider to try, with its options. See the sealed subclasses.</summary>
public abstract record ExecutionProviderOptions
{
    /// <summary>ONNX Runtime's name of the provider, e.g. "CUDAExecutionProvider".</summary>
    public abstract string ProviderName { get; }
}
