namespace TrtSharp.Comparison;

/// <summary>One intermediate (or output) tensor compared between two ONNX models.</summary>
/// <param name="Tensor">Tensor name.</param>
/// <param name="Node">Name of the node that produces it in the compared model.</param>
/// <param name="OpType">That node's operator.</param>
/// <param name="Comparison">Statistics against the reference's tensor of the same name.</param>
/// <param name="InputMaxAbsoluteError">Largest max-abs error among the node's compared inputs (graph inputs count as 0).</param>
/// <param name="IsOff">Cosine below the threshold, max-abs error above atol + rtol·max|reference|, or NaNs on one side only.</param>
/// <param name="IsJump">Off, and its max-abs error is at least the growth factor times <paramref name="InputMaxAbsoluteError"/>.</param>
public sealed record LayerComparison(string Tensor, string Node, string OpType, OutputComparison Comparison,
    double InputMaxAbsoluteError, bool IsOff, bool IsJump);

/// <summary>Every tensor both models expose, in the compared model's node order, and where the error first jumps.</summary>
/// <param name="Layers">Compared tensors in node (topological) order.</param>
/// <param name="OnlyInActual">Floating-point tensors only the compared model has.</param>
/// <param name="OnlyInReference">Floating-point tensors only the reference has.</param>
/// <param name="CosineThreshold">Cosine below which a tensor is off.</param>
/// <param name="GrowthFactor">Error growth over a node's inputs that makes an off tensor a jump.</param>
public sealed record LayerwiseReport(IReadOnlyList<LayerComparison> Layers, IReadOnlyList<string> OnlyInActual, IReadOnlyList<string> OnlyInReference,
    double CosineThreshold, double GrowthFactor)
{
    /// <summary>The first tensor whose node introduces the error (off and grown ≥ <see cref="GrowthFactor"/>×), or null.</summary>
    public LayerComparison? FirstJump => Layers.FirstOrDefault(l => l.IsJump);

    /// <summary>The first tensor that is off at all, or null.</summary>
    public LayerComparison? FirstOff => Layers.FirstOrDefault(l => l.IsOff);
}
