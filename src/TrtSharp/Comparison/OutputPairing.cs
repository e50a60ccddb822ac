using TrtSharp.Tensors;

namespace TrtSharp.Comparison;

/// <summary>How one output name fares when the outputs of two models are mapped by name.</summary>
public enum OutputPairStatus
{
    /// <summary>Both sides have it.</summary>
    Paired,
    /// <summary>Only the reference has it: nothing to compare it with, so the comparison fails.</summary>
    MissingFromActual,
    /// <summary>Only the compared side has it: no reference to judge it by; reported, not failed.</summary>
    MissingFromReference,
}

/// <summary>One output name and where it exists, with a sentence explaining any mismatch.</summary>
public sealed record OutputPair(string Name, OutputPairStatus Status, TensorDescriptor? Actual, TensorDescriptor? Reference, string Explanation)
{
    /// <summary>Maps outputs by name, in the reference's order, then the compared side's extra outputs.</summary>
    public static IReadOnlyList<OutputPair> Match(IReadOnlyList<TensorDescriptor> actual, IReadOnlyList<TensorDescriptor> reference)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reference);
        var byName = actual.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var referenceNames = new HashSet<string>(reference.Select(d => d.Name), StringComparer.Ordinal);
        var pairs = new List<OutputPair>();
        foreach (TensorDescriptor r in reference)
        {
            if (byName.TryGetValue(r.Name, out TensorDescriptor? a))
            {
                pairs.Add(new OutputPair(r.Name, OutputPairStatus.Paired, a, r, DescribeDifference(a, r)));
            }
            else
            {
                string others = string.Join(", ", actual.Select(d => d.Name).Where(n => !referenceNames.Contains(n)));
                pairs.Add(new OutputPair(r.Name, OutputPairStatus.MissingFromActual, null, r,
                    $"the compared model has no output '{r.Name}'" + (others.Length > 0 ? $" (its unmatched outputs: {others})" : string.Empty)));
            }
        }
        foreach (TensorDescriptor a in actual.Where(d => !referenceNames.Contains(d.Name)))
        {
            pairs.Add(new OutputPair(a.Name, OutputPairStatus.MissingFromReference, a, null, $"the reference has no output '{a.Name}': not compared"));
        }
        return pairs;
    }

    /// <summary>What differs in the declared type or shape of two outputs with the same name (empty when nothing).</summary>
    public static string DescribeDifference(TensorDescriptor actual, TensorDescriptor reference)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reference);
        var notes = new List<string>();
        if (actual.ElementType != reference.ElementType)
        {
            notes.Add($"declared types differ: {TensorElementTypeInfo.Name(actual.ElementType)} vs reference {TensorElementTypeInfo.Name(reference.ElementType)}");
        }
        bool shapeDiffers = actual.Shape.Length != reference.Shape.Length
            || actual.Shape.Zip(reference.Shape).Any(p => p.First >= 0 && p.Second >= 0 && p.First != p.Second);
        if (shapeDiffers)
        {
            notes.Add($"declared shapes differ: {actual} vs reference {reference}");
        }
        return string.Join("; ", notes);
    }
}
