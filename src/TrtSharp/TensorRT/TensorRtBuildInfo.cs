namespace TrtSharp.TensorRT;

/// <summary>What the loaded native shim was built with.</summary>
/// <param name="IsFull">True when built against TensorRT (full mode); false for a core-only shim.</param>
/// <param name="AbiVersion">The shim's C ABI version.</param>
/// <param name="TensorRtVersion">TensorRT headers compiled against (null in core-only mode).</param>
/// <param name="CudaRuntimeVersion">CUDA runtime compiled against, e.g. 12080 (0 in core-only mode).</param>
/// <param name="SupportsWeakTyping">True on TensorRT 10: precision flags and the legacy INT8 calibrator exist.</param>
public sealed record TensorRtBuildInfo(bool IsFull, int AbiVersion, Version? TensorRtVersion, int CudaRuntimeVersion, bool SupportsWeakTyping)
{
    /// <summary>"full (TensorRT 10.x.y)" or "core-only".</summary>
    public override string ToString() => IsFull ? $"full (TensorRT {TensorRtVersion}, CUDA runtime {CudaRuntimeVersion})" : "core-only (built without TensorRT)";
}
