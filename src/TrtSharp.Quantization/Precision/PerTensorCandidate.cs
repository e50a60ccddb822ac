using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// The ranges of the automatic choice's per-tensor candidate: each tensor the <see cref="ConsumerErrorProbe"/> measured
/// gets its chosen method's collapse-guarded range, the others MSE's (the method that minimises a tensor's own error),
/// each with its reason.
/// </summary>
internal static class PerTensorCandidate
{
    /// <summary>The method of tensors nothing was measured for.</summary>
    public const CalibrationMethod Default = CalibrationMethod.Mse;

    private static readonly string DefaultReason =
        $"per tensor: {GuardedRanges.Name(Default)}, as no weighted layer (Conv, ConvTranspose, MatMul or Gemm with constant weights) quantizing it was measured";

    /// <summary>One range per report, from <paramref name="guarded"/> (per method, by tensor name) as <paramref name="choices"/> say.</summary>
    public static List<TensorRangeReport> Ranges(IReadOnlyList<TensorRangeReport> reports,
        IReadOnlyDictionary<CalibrationMethod, Dictionary<string, TensorRangeReport>> guarded, IReadOnlyDictionary<string, ConsumerErrorProbe.Choice> choices) =>
        [.. reports.Select(r => choices.TryGetValue(r.Name, out var choice)
            ? guarded[choice.Method][r.Name] with { Reason = choice.Reason + Guard(guarded[choice.Method][r.Name], choice.Method) }
            : guarded[Default][r.Name] with { Reason = DefaultReason + Guard(guarded[Default][r.Name], Default) })];

    /// <summary>Tensors whose range is not the method they were given: the collapse guard replaced it.</summary>
    public static int FallBacks(IReadOnlyList<TensorRangeReport> ranges, IReadOnlyDictionary<string, ConsumerErrorProbe.Choice> choices) =>
        ranges.Count(r => r.ChosenMethod != (choices.TryGetValue(r.Name, out var c) ? c.Method : Default));

    // The collapse guard's note when it replaced the method a tensor was given.
    private static string Guard(TensorRangeReport range, CalibrationMethod given) =>
        range.ChosenMethod == given ? string.Empty : $"; {range.Reason}";
}
