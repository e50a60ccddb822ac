namespace TrtSharp.Datasets;

/// <summary>The files that together give one sample (or one batch) of every model input.</summary>
/// <param name="Name">Where the sample comes from, for messages: a file, a folder, or a manifest row.</param>
/// <param name="Files">Its files.</param>
public sealed record TensorSample(string Name, IReadOnlyList<SampleFile> Files);
