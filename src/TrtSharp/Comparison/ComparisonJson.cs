using TrtSharp.Inference;
using TrtSharp.IO;

namespace TrtSharp.Comparison;

/// <summary>Machine-readable comparison reports (the shared <see cref="ReportJson"/> style).</summary>
internal static class ComparisonJson
{
    /// <summary>
    /// The report as JSON text, with the overall verdict first; <paramref name="backends"/>, where given, says which backend
    /// ran each side and why (<c>actual_backend</c>, <c>reference_backend</c>).
    /// </summary>
    public static string Serialize(ComparisonReport report, LayerwiseReport? layers = null, ComparedBackends? backends = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var document = new
        {
            passed = report.Passed,
            actual = report.Actual,
            reference = report.Reference,
            actualBackend = Choice(backends?.Actual),
            referenceBackend = Choice(backends?.Reference),
            check = new
            {
                statistic = report.Check.Statistic,
                quantile = report.Check.Quantile,
                atol = report.Check.Tolerance.AbsoluteTolerance,
                rtol = report.Check.Tolerance.RelativeTolerance,
            },
            inputs = report.Inputs,
            outputs = report.Outputs,
            unpaired = report.Unpaired,
            layers = layers is null ? null : new
            {
                cosineThreshold = layers.CosineThreshold,
                snrThresholdDb = layers.SnrThresholdDb,
                jumpDb = layers.JumpDb,
                worst = layers.Worst(10).Select(l => l.Tensor),
                firstJump = layers.FirstJump?.Tensor,
                firstOff = layers.FirstOff?.Tensor,
                onlyInActual = layers.OnlyInActual,
                onlyInReference = layers.OnlyInReference,
                tensors = layers.Layers.Select(l => new
                {
                    tensor = l.Tensor,
                    node = l.Node,
                    opType = l.OpType,
                    isOff = l.IsOff,
                    isJump = l.IsJump,
                    inputMaxAbsError = l.InputMaxAbsoluteError,
                    inputSnrDb = l.InputSnrDb,
                    snrDropDb = l.SnrDropDb,
                    addedRelativeNoise = l.AddedRelativeNoise,
                    maxAbsError = l.Comparison.AbsoluteError.Max,
                    cosine = l.Comparison.Cosine,
                    snrDb = l.Comparison.SnrDb,
                    passed = l.Comparison.Passed,
                }),
            },
        };
        return ReportJson.Serialize(document);
    }

    /// <summary>Writes the report to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ComparisonReport report, LayerwiseReport? layers = null, ComparedBackends? backends = null) =>
        AtomicFile.WriteAllText(path, Serialize(report, layers, backends));

    private static object? Choice(BackendChoice? choice) => choice is null ? null : new { backend = choice.Backend.Name(), reasons = choice.Reasons };
}
