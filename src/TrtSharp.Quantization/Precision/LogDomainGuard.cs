using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Keeps float a layer whose result is later taken the logarithm of while most of its activation input rounds to 0 in
/// 8-bit. A logarithm weighs relative error: a spectrum spanning ten decades keeps its small bins only in float, and
/// linear int8 with a scale set by the loud bins maps most of them to exactly 0, which log turns into the floor value.
/// Neither condition alone is enough: rectified activations also have most values in the lowest bin (exact zeros,
/// which int8 keeps exact), and a log of a well-scaled quantity loses little.
/// </summary>
internal static class LogDomainGuard
{
    /// <summary>Share of calibration values below half a quantization step above which the input is called unrepresentable.</summary>
    public const double MaxShareRoundedToZero = 0.5;

    // Ops through which small values of the layer's output still reach the Log as small values (scaled, summed, moved).
    private static readonly HashSet<string> Transparent =
    [
        "Add", "Sub", "Mul", "Div", "MatMul", "Gemm", "Conv", "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Flatten",
        "Identity", "Max", "Min", "Clip", "Relu", "Abs", "Pow", "Sqrt", "ReduceSum", "ReduceMean", "Concat", "Slice",
        "Split", "Pad", "Cast",
    ];

    private const int MaxDepth = 12;

    /// <summary>
    /// Why <paramref name="layer"/> stays float, or null. <paramref name="input"/> is its activation input and
    /// <paramref name="amax"/> the range it would be quantized with; the histogram comes from calibration.
    /// </summary>
    public static string? Reason(NodeProto layer, string input, float amax, GraphIndex index, IReadOnlyDictionary<string, Histogram>? histograms)
    {
        if (histograms is null || !histograms.TryGetValue(input, out var histogram) || histogram.TotalCount == 0 || amax <= 0f)
        {
            return null;
        }

        var share = ShareRoundedToZero(histogram, amax);
        if (share < MaxShareRoundedToZero || FindLog(layer, index) is not string log)
        {
            return null;
        }

        return $"kept float: {share:P0} of its input '{input}' rounds to 0 in int8 (amax {amax:G4}, max {histogram.MaxAbs:G4}) and its result reaches Log '{log}', "
            + "where those small values decide the output; 8-bit linear quantization cannot represent this dynamic range";
    }

    /// <summary>Fraction of the histogram's values with |x| below half a step of symmetric int8 over [-amax, amax] (linear within a bin).</summary>
    internal static double ShareRoundedToZero(Histogram histogram, float amax)
    {
        var halfStep = amax / 254.0;
        var width = histogram.BinWidth;
        double below = 0;
        var counts = histogram.Counts;
        for (var b = 0; b < counts.Length; b++)
        {
            var low = b * width;
            if (low >= halfStep)
            {
                break;
            }

            var covered = width == 0 ? 1 : Math.Min(1, (halfStep - low) / width);
            below += counts[b] * covered;
        }

        return below / histogram.TotalCount;
    }

    /// <summary>Display name of a Log the layer's output reaches through <see cref="Transparent"/> ops, or null.</summary>
    private static string? FindLog(NodeProto layer, GraphIndex index)
    {
        var frontier = new List<string>(layer.Output);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var depth = 0; depth < MaxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<string>();
            foreach (var tensor in frontier.Where(seen.Add))
            {
                foreach (var (consumer, _) in index.Consumers(tensor))
                {
                    if (!GraphIndex.IsDefaultDomain(consumer))
                    {
                        continue;
                    }

                    if (consumer.OpType == "Log")
                    {
                        return QdqContext.DisplayName(consumer, index);
                    }

                    if (Transparent.Contains(consumer.OpType))
                    {
                        next.AddRange(consumer.Output);
                    }
                }
            }

            frontier = next;
        }

        return null;
    }
}
