namespace TrtSharp.OnnxRuntime;

/// <summary>
/// What one session knows about its output shapes per set of input shapes, shared by its bindings: shapes ONNX Runtime
/// inferred (certain) and shapes a binding's first run learned (to be confirmed by each binding's own first run).
/// Bounded: many distinct input shapes (e.g. one per utterance length) clear it rather than grow it; finding again is cheap.
/// </summary>
internal sealed class OutputShapeMemory
{
    private const int MaxShapeSets = 64;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, long[]>> _learned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long[]>> _inferred = new(StringComparer.Ordinal);

    /// <summary>Output shapes a binding learned on its first run, by input-shape key (null when none has yet).</summary>
    public IReadOnlyDictionary<string, long[]>? Learned(string inputShapeKey)
    {
        lock (_gate)
        {
            return _learned.TryGetValue(inputShapeKey, out var shapes) ? shapes : null;
        }
    }

    /// <summary>Keeps what a binding learned, so the next binding with the same input shapes binds at once.</summary>
    public void RememberLearned(string inputShapeKey, Dictionary<string, long[]> shapes)
    {
        lock (_gate)
        {
            if (_learned.TryGetValue(inputShapeKey, out var known))
            {
                foreach (var (name, shape) in known)
                {
                    shapes.TryAdd(name, shape);
                }
            }
            Bound(_learned, inputShapeKey);
            _learned[inputShapeKey] = shapes;
        }
    }

    /// <summary>The inferred output shapes for <paramref name="inputShapeKey"/>, computed by <paramref name="infer"/> the first time.</summary>
    public IReadOnlyDictionary<string, long[]> Inferred(string inputShapeKey, Func<Dictionary<string, long[]>> infer)
    {
        lock (_gate)
        {
            if (_inferred.TryGetValue(inputShapeKey, out var known))
            {
                return known;
            }
        }
        // Outside the lock: inference loads the model again, and other bindings need not wait for it.
        Dictionary<string, long[]> shapes = infer();
        lock (_gate)
        {
            Bound(_inferred, inputShapeKey);
            _inferred[inputShapeKey] = shapes;
        }
        return shapes;
    }

    private static void Bound(Dictionary<string, Dictionary<string, long[]>> sets, string key)
    {
        if (sets.Count >= MaxShapeSets && !sets.ContainsKey(key))
        {
            sets.Clear();
        }
    }
}
