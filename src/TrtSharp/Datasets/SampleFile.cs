namespace TrtSharp.Datasets;

/// <summary>One file of a sample and, where the layout names it (a manifest column), the input it feeds.</summary>
/// <param name="Path">A <c>.npy</c>, <c>.npz</c> or <c>.pb</c> file.</param>
/// <param name="Input">The model input it feeds; null when its name or position decides.</param>
public sealed record SampleFile(string Path, string? Input = null);
