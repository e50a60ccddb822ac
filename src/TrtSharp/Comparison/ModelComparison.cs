using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>Runs two sessions on the same inputs and compares their outputs by name; the second is the reference.</summary>
public static class ModelComparison
{
    /// <summary>
    /// Runs <paramref name="reference"/> on <paramref name="referenceInputs"/> and <paramref name="actual"/> on the same
    /// values (converted where it takes another floating-point type), then compares each output the reference has.
    /// </summary>
    /// <param name="actual">The compared side (a).</param>
    /// <param name="reference">The reference (b).</param>
    /// <param name="referenceInputs">Inputs for the reference, e.g. from <see cref="ComparisonInputs.Create"/>.</param>
    /// <param name="settings">Pass/fail rule.</param>
    /// <param name="actualName">Label of a in the report (its path).</param>
    /// <param name="referenceName">Label of b in the report.</param>
    /// <param name="inputSources">Where each input came from, for the report; random when absent.</param>
    public static ComparisonReport Run(IInferenceSession actual, IInferenceSession reference, IReadOnlyDictionary<string, HostTensor> referenceInputs,
        ComparisonSettings settings, string actualName, string referenceName, IReadOnlyDictionary<string, string>? inputSources = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(referenceInputs);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate(reference.Outputs.Select(o => o.Name));
        IReadOnlyList<OutputPair> pairs = OutputPair.Match(actual.Outputs, reference.Outputs);
        Dictionary<string, HostTensor> actualInputs = ComparisonInputs.AdaptTo(actual.Inputs, referenceInputs, actualName);

        IReadOnlyDictionary<string, HostTensor> b = reference.Run(referenceInputs);
        var pairedNames = pairs.Where(p => p.Status == OutputPairStatus.Paired).Select(p => p.Name).ToArray();
        IReadOnlyDictionary<string, HostTensor> a = pairedNames.Length > 0 ? actual.Run(actualInputs, pairedNames) : new Dictionary<string, HostTensor>();

        var outputs = new List<OutputComparison>();
        var unpaired = new List<UnpairedOutput>();
        foreach (OutputPair pair in pairs)
        {
            switch (pair.Status)
            {
                case OutputPairStatus.Paired:
                    OutputComparison c = OutputComparison.Compare(pair.Name, a[pair.Name], b[pair.Name], settings.For(pair.Name));
                    outputs.Add(pair.Explanation.Length > 0 && !c.Reason.Contains(pair.Explanation, StringComparison.Ordinal)
                        ? c with { Reason = c.Reason.Length == 0 ? pair.Explanation : $"{c.Reason}; {pair.Explanation}" }
                        : c);
                    break;
                case OutputPairStatus.MissingFromActual:
                    unpaired.Add(new UnpairedOutput(pair.Name, pair.Explanation, FailsComparison: true));
                    break;
                default:
                    unpaired.Add(new UnpairedOutput(pair.Name, pair.Explanation, FailsComparison: false));
                    break;
            }
        }
        var inputs = referenceInputs.Select(kv => new InputSummary(kv.Key, TensorElementTypeInfo.Name(kv.Value.ElementType), kv.Value.ShapeArray(),
            inputSources is not null && inputSources.TryGetValue(kv.Key, out string? s) ? s : "random")).ToArray();
        return new ComparisonReport(actualName, referenceName, settings.Default, inputs, outputs, unpaired);
    }
}
