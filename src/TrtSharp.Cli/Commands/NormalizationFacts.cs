using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;

namespace TrtSharp.Cli.Commands;

/// <summary>What normalization would do to a model, as <c>inspect</c> shows it (text and JSON); a refusal is a fact too.</summary>
internal sealed record NormalizationFacts(
    string Summary, long? OriginalOpset, long? Opset, int ConstantsHoisted, int ShapesResolved, int NodesFolded, int NodesRemoved,
    int InitializersRemoved, long InitializerBytes, IReadOnlyList<string> Conversions, IReadOnlyList<string> Notes, string? Refused)
{
    /// <summary>Normalizes a copy of <paramref name="model"/> (the model itself is not changed).</summary>
    public static NormalizationFacts Of(OnnxModel model)
    {
        try
        {
            var normalized = model.Normalized();
            var r = normalized.Normalization!;
            return new NormalizationFacts(r.Summary(), r.OriginalOpset, r.Opset, r.ConstantsHoisted, r.ShapesResolved, r.NodesFolded,
                r.NodesRemoved, r.InitializersRemoved, normalized.Graph.InitializerBytes, r.Conversions, r.Notes, null);
        }
        catch (TrtSharpException e)
        {
            return new NormalizationFacts($"refused: {e.Message}", null, null, 0, 0, 0, 0, 0, 0, [], [], e.Message);
        }
    }
}
