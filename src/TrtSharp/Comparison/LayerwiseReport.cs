namespace TrtSharp.Comparison;

/// <summary>One intermediate (or output) tensor compared between two ONNX models.</summary>
/// <param name="Tensor">Tensor name.</param>
/// <param name="Node">Name of the node that produces it in the compared model.</param>
/// <param name="OpType">That node's operator.</param>
/// <param name="Comparison">Statistics against the reference's tensor of the same name.</param>
/// <param name="InputMaxAbsoluteError">Largest max-abs error among the node's nearest compared inputs (graph inputs and weights count as 0).</param>
/// <param name="InputSnrDb">Lowest SNR among the node's nearest compared inputs, capped at <see cref="LayerwiseComparison.ExactSnrDb"/> (exact inputs).</param>
/// <param name="SnrDb">This tensor's SNR against the reference, capped the same way.</param>
/// <param name="IsOff">This tensor's own relative error is large: SNR below the threshold, cosine below its threshold, or NaNs on one side only.</param>
/// <param name="IsJump">Off, and this node lost at least the jump threshold of SNR relative to its inputs.</param>
public sealed record LayerComparison(string Tensor, string Node, string OpType, OutputComparison Comparison,
    double InputMaxAbsoluteError, double InputSnrDb, double SnrDb, bool IsOff, bool IsJump)
{
    /// <summary>SNR this node lost relative to its inputs (dB; ≤ 0 when it did not add relative error).</summary>
    public double SnrDropDb => InputSnrDb - SnrDb;

    /// <summary>
    /// Noise this node added, as a fraction of the signal's power (10^(−SNR/10) − 10^(−input SNR/10)). Unlike the dB
    /// lost, it does not rank a harmless layer (100 → 45 dB) above a broken one (40 → −8 dB).
    /// </summary>
    public double AddedRelativeNoise
    {
        get
        {
            double added = Math.Pow(10, -SnrDb / 10) - Math.Pow(10, -InputSnrDb / 10);
            return double.IsNaN(added) ? 0 : added;
        }
    }
}

/// <summary>Every tensor both models expose, in the compared model's node order, and where the error first jumps.</summary>
/// <param name="Layers">Compared tensors in node (topological) order; tensors computed from constants alone are left out.</param>
/// <param name="OnlyInActual">Floating-point tensors only the compared model has.</param>
/// <param name="OnlyInReference">Floating-point tensors only the reference has.</param>
/// <param name="CosineThreshold">Cosine below which a tensor is off.</param>
/// <param name="SnrThresholdDb">SNR below which a tensor is off.</param>
/// <param name="JumpDb">SNR a node must lose relative to its inputs for an off tensor to be a jump.</param>
public sealed record LayerwiseReport(IReadOnlyList<LayerComparison> Layers, IReadOnlyList<string> OnlyInActual, IReadOnlyList<string> OnlyInReference,
    double CosineThreshold, double SnrThresholdDb, double JumpDb)
{
    /// <summary>The first tensor whose node introduces the error (off, and ≥ <see cref="JumpDb"/> of SNR lost there), or null.</summary>
    public LayerComparison? FirstJump => Layers.FirstOrDefault(l => l.IsJump);

    /// <summary>The first tensor that is off at all, or null.</summary>
    public LayerComparison? FirstOff => Layers.FirstOrDefault(l => l.IsOff);

    /// <summary>The <paramref name="count"/> layers that added the most relative noise at their own node, worst first (only those that added any).</summary>
    public IReadOnlyList<LayerComparison> Worst(int count) =>
        [.. Layers.Where(l => l.AddedRelativeNoise > 0).OrderByDescending(l => l.AddedRelativeNoise).ThenBy(l => l.SnrDb).Take(count)];
}
