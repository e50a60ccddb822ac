using System.Diagnostics.CodeAnalysis;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// A range table that has every tensor (each at [−1, 1]) and remembers which ones a placement asked for: running the
/// placement over it before calibration names exactly the activations that will get Q/DQ.
/// </summary>
internal sealed class RecordingRanges : IReadOnlyDictionary<string, TensorRange>
{
    private static readonly TensorRange Unit = TensorRange.FromAmax(1f);
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);

    /// <summary>The tensor names looked up so far.</summary>
    public IReadOnlySet<string> Asked => _asked;

    public TensorRange this[string key] => TryGetValue(key, out var range) ? range : Unit;

    public IEnumerable<string> Keys => _asked;

    public IEnumerable<TensorRange> Values => _asked.Select(_ => Unit);

    public int Count => _asked.Count;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TensorRange value)
    {
        _asked.Add(key);
        value = Unit;
        return true;
    }

    public IEnumerator<KeyValuePair<string, TensorRange>> GetEnumerator() =>
        _asked.Select(n => new KeyValuePair<string, TensorRange>(n, Unit)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
