using System.Globalization;

namespace TrtSharp.Onnx.Normalization;

/// <summary>What <see cref="ModelNormalizer"/> changed in a model, for reports and for later steps.</summary>
public sealed class NormalizationReport
{
    internal readonly List<string> _conversions = [];
    internal readonly List<string> _notes = [];
    internal readonly Dictionary<string, TensorShapeInfo> _shapes = new(StringComparer.Ordinal);

    /// <summary>The model's default-domain opset as loaded.</summary>
    public long OriginalOpset { get; internal set; }

    /// <summary>The default-domain opset after normalization.</summary>
    public long Opset { get; internal set; }

    /// <summary>Constant nodes turned into initializers.</summary>
    public int ConstantsHoisted { get; internal set; }

    /// <summary>Shape/Size nodes (and Gathers of shapes) replaced by the values ONNX Runtime inferred statically.</summary>
    public int ShapesResolved { get; internal set; }

    /// <summary>Nodes evaluated ahead of time because their inputs are all constants.</summary>
    public int NodesFolded { get; internal set; }

    /// <summary>Nodes removed because no graph output depends on them.</summary>
    public int NodesRemoved { get; internal set; }

    /// <summary>Initializers removed because nothing reads them any more.</summary>
    public int InitializersRemoved { get; internal set; }

    /// <summary>One line per node the opset conversion rewrote, e.g. "Clip 'clip1': min/max attributes -> inputs".</summary>
    public IReadOnlyList<string> Conversions => _conversions;

    /// <summary>Steps that could not run fully (e.g. ONNX Runtime refused to evaluate a constant subgraph) and why.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Element type and shape of every tensor of the main graph ONNX Runtime could infer (inputs, initializers, node outputs).</summary>
    public IReadOnlyDictionary<string, TensorShapeInfo> TensorShapes => _shapes;

    /// <summary>True when the opset changed.</summary>
    public bool OpsetChanged => Opset != OriginalOpset;

    /// <summary>True when the graph differs from the one loaded.</summary>
    public bool Changed => OpsetChanged || _conversions.Count > 0 || ConstantsHoisted + ShapesResolved + NodesFolded + NodesRemoved + InitializersRemoved > 0;

    /// <summary>One line for the console, e.g. "opset 9 -> 13 (4 nodes converted), 40 Constant nodes -> initializers, 25 nodes folded".</summary>
    public string Summary()
    {
        var parts = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        if (OpsetChanged)
        {
            parts.Add(string.Create(inv, $"opset {OriginalOpset} -> {Opset}") + (_conversions.Count > 0 ? string.Create(inv, $" ({_conversions.Count} nodes converted)") : ""));
        }
        else if (_conversions.Count > 0)
        {
            parts.Add(string.Create(inv, $"{_conversions.Count} nodes rewritten"));
        }
        Add(parts, ConstantsHoisted, "Constant nodes -> initializers");
        Add(parts, ShapesResolved, "shapes resolved statically");
        Add(parts, NodesFolded, "nodes folded");
        Add(parts, NodesRemoved, "dead nodes removed");
        Add(parts, InitializersRemoved, "unused initializers removed");
        return parts.Count == 0 ? "nothing to change" : string.Join(", ", parts);
    }

    /// <inheritdoc/>
    public override string ToString() => Summary();

    private static void Add(List<string> parts, int count, string what)
    {
        if (count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{count} {what}"));
        }
    }
}
