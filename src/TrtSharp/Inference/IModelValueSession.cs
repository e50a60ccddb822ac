using TrtSharp.Tensors;

namespace TrtSharp.Inference;

/// <summary>A session that also exchanges non-tensor values (sequences, optionals) with its model.</summary>
public interface IModelValueSession
{
    /// <summary>
    /// Runs the model on <paramref name="inputs"/> keyed by input name; an absent optional is passed as an
    /// <see cref="OptionalValue"/> without element (or left out). Returns every model output.
    /// </summary>
    IReadOnlyDictionary<string, ModelValue> RunValues(IReadOnlyDictionary<string, ModelValue> inputs);
}
