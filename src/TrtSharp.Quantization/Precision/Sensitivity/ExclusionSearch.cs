using System.Diagnostics;
using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision.AutoCast;

namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>
/// Keeps the most sensitive layers in float until a reduced-precision model meets its target on held-out data: the
/// sensitivity ranking orders the layers, then the number kept (top of the ranking) doubles until the target holds and
/// a binary search finds the fewest, all within a budget of layers.
/// </summary>
public static class ExclusionSearch
{
    /// <summary>Share of the reducible layers the search may keep in float by default (5%).</summary>
    public const double DefaultBudgetShare = 0.05;

    /// <summary>The default budget: 5% of <paramref name="layers"/>, at least 1.</summary>
    public static int DefaultBudget(int layers) => Math.Max(1, (int)Math.Floor(layers * DefaultBudgetShare));

    /// <summary>INT8: places Q/DQ again on <paramref name="quantized"/>'s ranges with the most sensitive quantized nodes excluded.</summary>
    /// <param name="model">The normalized float32 model <paramref name="quantized"/> came from.</param>
    /// <param name="quantized">Its quantization (ranges reused, no calibration).</param>
    /// <param name="options">The options it was made with (their exclusions stay).</param>
    /// <param name="holdout">Held-out data.</param>
    /// <param name="target">What must hold.</param>
    /// <param name="maxExcluded">Most nodes to keep in float; null for <see cref="DefaultBudget"/>.</param>
    /// <param name="sensitivity">How the ranking walks the layers.</param>
    /// <param name="runtimeOptions">ONNX Runtime options for the validation sessions.</param>
    /// <param name="progress">Progress.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static ExclusionSearchResult<QuantizeResult> ForQuantization(OnnxModel model, QuantizeResult quantized, QuantizeOptions options, ICalibrationDataset holdout,
        AgreementTarget target, int? maxExcluded = null, SensitivityOptions? sensitivity = null, OnnxRuntimeOptions? runtimeOptions = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(quantized);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(holdout);
        using var trials = new Int8Trials(model, quantized, options, holdout, runtimeOptions);
        return Search(trials, target, maxExcluded, sensitivity, progress, cancellationToken);
    }

    /// <summary>FP16/BF16: converts again with the most sensitive converted nodes kept in float32 (the magnitudes <paramref name="converted"/> measured reused).</summary>
    /// <param name="model">The float32 model <paramref name="converted"/> came from.</param>
    /// <param name="options">The options it was converted with (their keep rules stay).</param>
    /// <param name="converted">Its conversion.</param>
    /// <param name="holdout">Held-out data.</param>
    /// <param name="target">What must hold.</param>
    /// <param name="maxExcluded">Most nodes to keep in float32; null for <see cref="DefaultBudget"/>.</param>
    /// <param name="sensitivity">How the ranking walks the layers.</param>
    /// <param name="runtimeOptions">ONNX Runtime options for the validation sessions.</param>
    /// <param name="progress">Progress.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static ExclusionSearchResult<AutoCastResult> ForAutoCast(OnnxModel model, AutoCastOptions options, AutoCastResult converted, ICalibrationDataset holdout,
        AgreementTarget target, int? maxExcluded = null, SensitivityOptions? sensitivity = null, OnnxRuntimeOptions? runtimeOptions = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(converted);
        ArgumentNullException.ThrowIfNull(holdout);
        using var trials = new ReducedFloatTrials(model, options, converted, holdout, runtimeOptions);
        return Search(trials, target, maxExcluded, sensitivity, progress, cancellationToken);
    }

    private static ExclusionSearchResult<T> Search<T>(PrecisionTrials<T> trials, AgreementTarget target, int? maxExcluded, SensitivityOptions? sensitivity,
        IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Cosine is null && target.SnrDb is null)
        {
            throw new ArgumentException("the target names neither a cosine nor an SNR");
        }
        if (maxExcluded < 0)
        {
            throw new ArgumentException($"the budget of layers kept in float must be at least 0, got {maxExcluded}");
        }
        sensitivity ??= new SensitivityOptions();
        sensitivity.Validate();
        var clock = Stopwatch.StartNew();
        int layerCount = trials.Layers.Count;
        int budget = Math.Min(maxExcluded ?? DefaultBudget(layerCount), layerCount);
        var tried = new List<ExclusionTrial>();
        var built = new Dictionary<int, (T Result, IReadOnlyList<OutputAgreement> Agreement)>();
        List<string> order = [];

        bool Try(int kept)
        {
            T result = trials.Build(order.Take(kept).ToList());
            var agreement = trials.Evaluate(result, cancellationToken);
            bool met = target.IsMet(agreement);
            built[kept] = (result, agreement);
            tried.Add(new ExclusionTrial(kept, agreement.Count == 0 ? 1 : agreement.Min(a => a.Cosine), agreement.Count == 0 ? double.PositiveInfinity : agreement.Min(a => a.SnrDb), met));
            return met;
        }

        ExclusionSearchResult<T> Done(bool reached, int kept, SensitivityReport? ranking) =>
            new(reached, order.Take(kept).ToList(), budget, layerCount, tried, ranking, built[kept].Agreement, built[kept].Result, clock.Elapsed);

        if (Try(0))
        {
            return Done(true, 0, null);
        }
        if (budget == 0)
        {
            return Done(false, 0, null);
        }
        SensitivityReport ranking = SensitivityAnalyzer.Rank(trials, sensitivity, progress, cancellationToken);
        order = [.. ranking.LayersInRankOrder()];
        // Doubling: the first count that meets the target bounds the search; the last that missed is below it.
        int missed = 0, met = -1;
        for (int kept = 1; kept <= budget && met < 0; kept = kept >= budget ? budget + 1 : Math.Min(kept * 2, budget))
        {
            progress?.Report(new ProgressUpdate("keeping layers in float", kept, budget));
            if (Try(kept))
            {
                met = kept;
            }
            else
            {
                missed = kept;
            }
        }
        if (met < 0)
        {
            return Done(false, missed, ranking);
        }
        // Binary search between them, assuming (as the greedy order makes likely, not certain) that keeping more never hurts.
        while (met - missed > 1)
        {
            int middle = (missed + met) / 2;
            if (Try(middle))
            {
                met = middle;
            }
            else
            {
                missed = middle;
            }
        }
        return Done(true, met, ranking);
    }
}
