using TrtSharp.Onnx;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>A converted model and what the conversion did.</summary>
public sealed class AutoCastResult
{
    internal AutoCastResult(OnnxModel model, OnnxModel emulation, ReducedPrecision target, IReadOnlyList<KeptNode> kept, int reducedNodes, int floatNodes,
        AutoCastRewrite rewrite, bool usedData, TimeSpan elapsed)
    {
        Model = model;
        Emulation = emulation;
        Target = target;
        Kept = kept;
        ReducedNodes = reducedNodes;
        FloatNodes = floatNodes;
        CastsInserted = rewrite.CastsInserted;
        CastsRetyped = rewrite.CastsRetyped;
        WeightBytes = rewrite.WeightBytes;
        ConvertedWeightBytes = rewrite.ConvertedWeightBytes;
        UsedData = usedData;
        Elapsed = elapsed;
    }

    /// <summary>The mixed-precision model.</summary>
    public OnnxModel Model { get; }

    /// <summary>
    /// A float32 model that rounds every value the converted model holds in the reduced type: what validation runs
    /// where ONNX Runtime lacks reduced-precision kernels.
    /// </summary>
    public OnnxModel Emulation { get; }

    /// <summary>The reduced type.</summary>
    public ReducedPrecision Target { get; }

    /// <summary>Nodes with float32 data kept in float32, with the rule and the reason.</summary>
    public IReadOnlyList<KeptNode> Kept { get; }

    /// <summary>Nodes converted to the reduced type.</summary>
    public int ReducedNodes { get; }

    /// <summary>Nodes with float32 data (converted plus kept).</summary>
    public int FloatNodes { get; }

    /// <summary>Casts added at precision boundaries (including graph edges).</summary>
    public int CastsInserted { get; }

    /// <summary>Existing Casts to float32 retargeted to the reduced type.</summary>
    public int CastsRetyped { get; }

    /// <summary>Bytes of float32 weights in the original model.</summary>
    public long WeightBytes { get; }

    /// <summary>Bytes of those weights now stored in the reduced type (counted as float32 bytes).</summary>
    public long ConvertedWeightBytes { get; }

    /// <summary>Share of the float32 weight bytes converted.</summary>
    public double ConvertedWeightShare => WeightBytes == 0 ? 0 : (double)ConvertedWeightBytes / WeightBytes;

    /// <summary>True when data-driven rules ran (a dataset was given).</summary>
    public bool UsedData { get; }

    /// <summary>Names of the converted nodes, in graph order (unnamed nodes left out: no keep pattern can name them).</summary>
    public IReadOnlyList<string> ConvertedNodes { get; internal init; } = [];

    /// <summary>The magnitudes the data pass measured, reused when converting again with other keep lists.</summary>
    internal IReadOnlyDictionary<string, TensorMagnitude>? Activations { get; init; }

    /// <summary>Wall time of the conversion (including the data pass).</summary>
    public TimeSpan Elapsed { get; }
}
