using TrtSharp.Tensors;

namespace TrtSharp.Datasets;

/// <summary>One sample read and checked against the model: tensors by input name and, per input, the file it came from.</summary>
/// <param name="Tensors">Tensors keyed by model input name, shaped for the input (a missing batch dimension added).</param>
/// <param name="Sources">Per input name, the file (or <c>archive.npz:key</c>) it was read from.</param>
public sealed record LoadedSample(Dictionary<string, HostTensor> Tensors, Dictionary<string, string> Sources);
