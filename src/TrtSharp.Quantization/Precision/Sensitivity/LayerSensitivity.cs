namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>
/// The output agreement with float32 when only <paramref name="Layers"/> run in reduced precision (everything else float).
/// </summary>
/// <param name="Layers">The node (or the partition of consecutive nodes, in topological order) reduced.</param>
/// <param name="OpTypes">Their operator types, same order.</param>
/// <param name="Cosine">Lowest cosine similarity over the model's outputs (NaN counted as -1).</param>
/// <param name="SnrDb">Lowest signal-to-noise ratio over the outputs, in dB.</param>
/// <param name="MaxAbsoluteError">Largest absolute error over the outputs.</param>
public sealed record LayerSensitivity(IReadOnlyList<string> Layers, IReadOnlyList<string> OpTypes, double Cosine, double SnrDb, double MaxAbsoluteError)
{
    /// <summary>The layer's name, or "first … last (n)" for a partition.</summary>
    public string Label => Layers.Count == 1 ? Layers[0] : $"{Layers[0]} … {Layers[^1]} ({Layers.Count})";
}
