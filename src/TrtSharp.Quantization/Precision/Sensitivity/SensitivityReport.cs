namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>Per-layer (or per-partition) sensitivity to reduced precision, most sensitive first.</summary>
/// <param name="Mode">INT8 or reduced float.</param>
/// <param name="Precision">The reduced type in words ("int8", "fp16", "bf16").</param>
/// <param name="PartitionSize">Layers reduced together (1: one at a time).</param>
/// <param name="LayerCount">Layers considered (quantizable or convertible nodes).</param>
/// <param name="Ranked">One entry per layer or partition, lowest cosine first (then lowest SNR).</param>
/// <param name="AllReduced">Agreement with every layer reduced, for scale.</param>
/// <param name="HeldOut">The held-out data the agreement was measured on.</param>
/// <param name="Elapsed">Wall time of the analysis (without the calibration or data pass it reused).</param>
public sealed record SensitivityReport(SensitivityMode Mode, string Precision, int PartitionSize, int LayerCount, IReadOnlyList<LayerSensitivity> Ranked,
    IReadOnlyList<OutputAgreement> AllReduced, string HeldOut, TimeSpan Elapsed)
{
    /// <summary>How the layers were walked, in words.</summary>
    public string Walk => PartitionSize == 1
        ? $"one layer at a time ({LayerCount} runs)"
        : $"partitions of {PartitionSize} consecutive layers in topological order ({Ranked.Count} runs over {LayerCount} layers)";

    /// <summary>The layers in rank order (a partition's layers in graph order): what an exclusion search keeps first.</summary>
    public IEnumerable<string> LayersInRankOrder() => Ranked.SelectMany(r => r.Layers).Distinct(StringComparer.Ordinal);
}
