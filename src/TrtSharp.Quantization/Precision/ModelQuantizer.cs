using System.Diagnostics;
using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Post-training INT8 quantization on the CPU: calibrate activations on ONNX Runtime, choose ranges, insert Q/DQ nodes
/// (TensorRT explicit quantization, or ONNX Runtime CPU integer kernels) and write TensorRT 10's legacy calibration cache.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>Loads and normalizes <paramref name="modelPath"/>, calibrates it on <paramref name="calibration"/> and builds the quantized model.</summary>
    /// <exception cref="Errors.OpsetConversionException">The model is older than opset 13 and a node cannot be converted (raised before calibration).</exception>
    public static QuantizeResult Quantize(string modelPath, ICalibrationDataset calibration, QuantizeOptions? options = null,
        OnnxRuntimeOptions? runtimeOptions = null, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default) =>
        Quantize(OnnxModel.LoadNormalized(modelPath), calibration, options, runtimeOptions, progress, cancellationToken);

    /// <summary>
    /// Calibrates <paramref name="model"/> (normalized in place first when it was not) and builds the quantized model from
    /// the same in-memory graph: it is parsed once, and ONNX Runtime's calibration session is created from it.
    /// </summary>
    public static QuantizeResult Quantize(OnnxModel model, ICalibrationDataset calibration, QuantizeOptions? options = null,
        OnnxRuntimeOptions? runtimeOptions = null, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new QuantizeOptions();
        options.Validate();
        EnsureNormalized(model);
        var clock = Stopwatch.StartNew();
        var only = TensorsToCalibrate(model, options);
        if (options.Method is not null)
        {
            var statistics = ActivationCalibrator.Collect(model, calibration, runtimeOptions, progress, deriveClamps: true, cancellationToken, only);
            var calibrationTime = clock.Elapsed;
            progress?.Report(new ProgressUpdate("choosing ranges", 0, statistics.Count));
            return FromStatistics(model, statistics, options, calibrationTime);
        }

        // Automatic: one batch in SelectionPeriod is held back from calibration to judge the candidates on; the
        // calibration session runs it too and keeps its float outputs as the reference.
        // It also keeps the first batch of the tensors read by weighted layers, to choose a method per tensor by its effect there.
        var consumers = ConsumerErrorProbe.Plan(model, only, options.Qdq);
        var reference = new ReferenceCapture(SelectionPeriod, SelectionBatches)
        {
            Activations = consumers.Select(c => c.Tensor).ToHashSet(StringComparer.Ordinal),
            Cropped = ConsumerErrorProbe.ConvolutionInputs(model.Proto, consumers),
            LeadingRows = ConsumerErrorProbe.RowInputs(model.Proto, consumers),
        };
        var collected = ActivationCalibrator.Collect(model, calibration, runtimeOptions, progress, deriveClamps: true, cancellationToken, only, reference);
        TimeSpan calibrated = clock.Elapsed;
        return Select(model, collected, options, calibrated, reference, consumers, calibration, runtimeOptions, progress, cancellationToken);
    }

    /// <summary>Period of the calibration split the automatic method choice is judged on (every 4th batch).</summary>
    public const int SelectionPeriod = 4;

    /// <summary>
    /// Most held-back batches the automatic choice judges on (the first 4 of every 4th): judging then costs a bounded
    /// number of Q/DQ passes however large the calibration set; later held-back batches are skipped, so what is
    /// calibrated on is the same whatever this limit.
    /// </summary>
    public const int SelectionBatches = 4;

    private static readonly CalibrationMethod[] Candidates = [CalibrationMethod.Entropy, CalibrationMethod.Mse, CalibrationMethod.Percentile, CalibrationMethod.Max];

    /// <summary>
    /// Tries every method (collapse-guarded), and a per-tensor mix of them chosen by each tensor's effect on its weighted
    /// consumers (<see cref="ConsumerErrorProbe"/>, MSE for the other tensors), and keeps the candidate whose quantized
    /// model agrees best with float32 — the lowest per-output cosine, then SNR — on the batches
    /// <paramref name="reference"/> held back (or, when it holds none, on all the data), judged as
    /// <see cref="CandidateJudge"/> does.
    /// </summary>
    private static QuantizeResult Select(OnnxModel model, IReadOnlyList<TensorStatistics> statistics, QuantizeOptions options, TimeSpan calibrationTime,
        ReferenceCapture reference, IReadOnlyList<ConsumerErrorProbe.Consumer> consumers, ICalibrationDataset everything, OnnxRuntimeOptions? runtimeOptions,
        IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        progress?.Report(new ProgressUpdate("comparing methods", 0, reference.Outputs.Count));
        var reports = TensorRangeReport.FromAll(statistics, CalibrationMethod.Max, options.Percentile);
        var histograms = statistics.ToDictionary(s => s.TensorName, s => s.Histogram, StringComparer.Ordinal);
        var runtime = (runtimeOptions ?? new OnnxRuntimeOptions()).Clone();
        runtime.LogAtLeast(OnnxRuntimeLogSeverity.Error);
        var built = new List<(MethodCandidate Candidate, QuantizeResult Result)>();
        var guarded = new Dictionary<CalibrationMethod, Dictionary<string, TensorRangeReport>>();
        foreach (CalibrationMethod method in Candidates)
        {
            var ranges = GuardedRanges.For(reports, histograms, method, out int fallBacks);
            guarded[method] = ranges.ToDictionary(r => r.Name, StringComparer.Ordinal);
            built.Add((new MethodCandidate(method, double.NaN, double.NaN, fallBacks), Build(model, statistics, ranges, options with { Method = method }, calibrationTime)));
        }
        // The judge's sessions open on another thread while the probe measures the weighted layers (both spend most of
        // their time on one core), unless every method gave the same model and there is nothing to judge.
        var methodModels = built.Select(b => b.Result.Model.Proto).ToList();
        var opening = methodModels.Skip(1).Any(m => !m.Equals(methodModels[0]))
            ? Task.Run(() => JudgeSessions.Open(methodModels, runtime, share: true), CancellationToken.None)
            : null;
        string? probeFailure = null;
        IReadOnlyList<CandidateJudge.Score> scores;
        try
        {
            IReadOnlyDictionary<string, ConsumerErrorProbe.Choice> choices;
            try
            {
                choices = ConsumerErrorProbe.Choose(model.Proto, consumers, reference.ActivationValues,
                    built.ToDictionary(b => b.Candidate.Method, b => b.Result.Model.Proto), runtime);
            }
            catch (TrtSharpException e)
            {
                // The mix is one candidate more, not a requirement: the four methods are judged without it. Only failures
                // of the model or the runtime are caught; a bug in the probe itself still surfaces.
                choices = new Dictionary<string, ConsumerErrorProbe.Choice>();
                probeFailure = $"the per-tensor candidate was not built: measuring the weighted layers failed ({e.GetType().Name}: {e.Message})";
            }
            if (choices.Count > 0)
            {
                var ranges = PerTensorCandidate.Ranges(reports, guarded, choices);
                built.Add((new MethodCandidate(PerTensorCandidate.Default, double.NaN, double.NaN, PerTensorCandidate.FallBacks(ranges, choices)) { PerTensor = true },
                    Build(model, statistics, ranges, options with { Method = PerTensorCandidate.Default }, calibrationTime)));
            }
            ICalibrationDataset data = reference.AnyHeldBack ? new InterleavedSplit(everything, reference.Period, heldBack: true, reference.Limit) : everything;
            List<Onnx.Protobuf.ModelProto> candidates = [.. built.Select(b => b.Result.Model.Proto)];
            // The sessions opened ahead are used only where they judge every candidate as sessions opened for all five
            // would; otherwise (never seen: range-dependent constants are all fed) the judge opens its own.
            var opened = opening?.GetAwaiter().GetResult();
            scores = opened is not null && opened.Fit(candidates)
                ? CandidateJudge.Judge(candidates, data, reference.Outputs, opened, halve: true, cancellationToken, progress)
                : CandidateJudge.Judge(candidates, data, reference.Outputs, runtime, shareSessions: true, halve: true, cancellationToken, progress);
        }
        finally
        {
            JudgeSessions.DisposeWhenOpened(opening);
        }
        var scored = built.Zip(scores, (b, s) => (Candidate: b.Candidate with
        {
            MinCosine = s.MinCosine,
            MinSnrDb = s.MinSnrDb,
            Batches = s.Batches,
            SameModelAs = s.SameAs is int same ? built[same].Candidate.Method : null,
        }, b.Result)).ToList();
        // Ties keep the earlier candidate: entropy, TensorRT's own default, first; the per-tensor mix last.
        int judged = scores.Max(s => s.Batches);
        var best = scored[CandidateJudge.Winner(scores)];
        string dataNote = reference.AnyHeldBack
            ? $"every {SelectionPeriod}th batch of {everything.Description}, held back from calibration ({reference.Outputs.Count} judged on, at most {SelectionBatches})"
            : $"{everything.Description} (fewer than {SelectionPeriod} batches: nothing could be held back from calibration)";
        var selection = new MethodSelection(dataNote, [.. scored.Select(s => s.Candidate)], best.Candidate, clock.Elapsed);
        if (probeFailure is not null)
        {
            best.Result.Qdq._warnings.Add(probeFailure);
        }
        if (best.Candidate.PerTensor)
        {
            return best.Result with { Selection = selection };
        }
        string why = judged == 0
            ? $"chosen automatically: every method gave the same model, {best.Candidate.Name} named"
            : $"chosen automatically: {best.Candidate.Name} gave the best agreement with float32 (lowest output cosine {best.Candidate.MinCosine:0.00000})";
        var chosen = best.Result.Ranges.Select(r => r.ChosenMethod == best.Candidate.Method ? r with { Reason = why } : r).ToList();
        return best.Result with { Ranges = chosen, Selection = selection };
    }

    /// <summary>Builds another quantized model from statistics already collected (e.g. a second placement or method, without recalibrating).</summary>
    public static QuantizeResult FromStatistics(string modelPath, IReadOnlyList<TensorStatistics> statistics, QuantizeOptions? options = null, TimeSpan calibrationTime = default) =>
        FromStatistics(OnnxModel.LoadNormalized(modelPath), statistics, options, calibrationTime);

    /// <summary>As the path overload, on a model in memory (normalized in place first when it was not).</summary>
    public static QuantizeResult FromStatistics(OnnxModel model, IReadOnlyList<TensorStatistics> statistics, QuantizeOptions? options = null, TimeSpan calibrationTime = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(statistics);
        options ??= new QuantizeOptions();
        options.Validate();
        if (options.Method is { } method)
        {
            var ranges = TensorRangeReport.FromAll(statistics, method, options.Percentile);
            return Build(model, statistics, ranges, options, calibrationTime);
        }
        // No data to judge methods on: MSE (the least quantization error of each tensor), collapse-guarded.
        var reports = TensorRangeReport.FromAll(statistics, CalibrationMethod.Mse, options.Percentile);
        var guarded = GuardedRanges.For(reports, statistics.ToDictionary(s => s.TensorName, s => s.Histogram, StringComparer.Ordinal), CalibrationMethod.Mse, out _);
        return Build(model, statistics, guarded, options with { Method = CalibrationMethod.Mse }, calibrationTime);
    }

    /// <summary>Builds the quantized model from an existing calibration cache (amax = scale · 127 per tensor).</summary>
    public static QuantizeResult FromCache(string modelPath, CalibrationCache cache, QuantizeOptions? options = null) =>
        FromCache(OnnxModel.LoadNormalized(modelPath), cache, options);

    /// <summary>As the path overload, on a model in memory (normalized in place first when it was not).</summary>
    public static QuantizeResult FromCache(OnnxModel model, CalibrationCache cache, QuantizeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cache);
        // The cache's own header (version, algorithm) is kept, so writing the result back reproduces it.
        options = (options ?? new QuantizeOptions()) with
        {
            CacheTensorRtVersion = cache.TensorRtVersion,
            Method = cache.Algorithm == CalibrationCacheAlgorithm.MinMaxCalibration ? CalibrationMethod.Max : CalibrationMethod.Entropy,
        };
        var ranges = cache.Entries.Select(e =>
        {
            float amax = cache.GetAmax(e.Key);
            return new TensorRangeReport(e.Key, 0, -amax, amax, new Dictionary<CalibrationMethod, float>(), options.Method.Value, amax, 0);
        }).ToList();
        return Build(model, [], ranges, options, TimeSpan.Zero, cache);
    }

    /// <summary>
    /// Places Q/DQ again on <paramref name="model"/> with the ranges <paramref name="from"/> chose and other placement
    /// options (e.g. more nodes excluded): no calibration, no method choice; the cache is kept as it was.
    /// </summary>
    internal static QuantizeResult Rebuild(OnnxModel model, QuantizeResult from, QuantizeOptions options, QdqOptions qdq)
    {
        var method = from.Selection?.Chosen.Method ?? options.Method ?? CalibrationMethod.Mse;
        return Build(model, from.Statistics, [.. from.Ranges], options with { Method = method, Qdq = qdq }, from.CalibrationTime, from.Cache)
            with { Selection = from.Selection };
    }

    /// <summary>
    /// The activations to calibrate: those the placement will quantize, or null (every float activation) when
    /// <see cref="QuantizeOptions.CalibrateAllTensors"/> asks for it or the weights live in external files (planning
    /// reads the weights, and inlining them here could push the calibration model past protobuf's 2 GB).
    /// </summary>
    private static IReadOnlySet<string>? TensorsToCalibrate(OnnxModel model, QuantizeOptions options) =>
        options.CalibrateAllTensors || model.HasExternalData ? null : QdqInserter.TensorsNeedingRanges(model.Proto, options.Qdq);

    private static void EnsureNormalized(OnnxModel model)
    {
        if (model.Normalization is null)
        {
            ModelNormalizer.Normalize(model);
        }
    }

    private static QuantizeResult Build(OnnxModel model, IReadOnlyList<TensorStatistics> statistics, List<TensorRangeReport> ranges, QuantizeOptions options, TimeSpan calibrationTime,
        CalibrationCache? existingCache = null)
    {
        EnsureNormalized(model);
        // Q/DQ insertion reads and rewrites weights: bring external tensors into the proto (saving moves them out again above 2 GB).
        model.InlineExternalData();
        if (statistics.Count > 0 && options.Qdq.Histograms is null)
        {
            options = options with { Qdq = options.Qdq with { Histograms = statistics.ToDictionary(s => s.TensorName, s => s.Histogram, StringComparer.Ordinal) } };
        }
        QdqResult qdq = options.Qdq.Profile == QdqProfile.OrtCpu
            // Integer kernels need asymmetric uint8 ranges: the observed [min, max], clipped to the chosen amax.
            ? QdqInserter.Insert(model.Proto, ranges.ToDictionary(r => r.Name, r => new TensorRange(Math.Clamp(r.Min, -r.Amax, r.Amax), Math.Clamp(r.Max, -r.Amax, r.Amax)), StringComparer.Ordinal), options.Qdq)
            : QdqInserter.Insert(model.Proto, ranges.ToDictionary(r => r.Name, r => r.Amax, StringComparer.Ordinal), options.Qdq);
        // The opset the user's file had, not the one normalization already raised it to.
        qdq.Report.OriginalOpset = model.Normalization!.OriginalOpset;
        var algorithm = options.Method == CalibrationMethod.Max ? CalibrationCacheAlgorithm.MinMaxCalibration : CalibrationCacheAlgorithm.EntropyCalibration2;
        // A cache that was read is returned as it is: re-deriving scale = amax / 127 could change its last bits.
        var cache = existingCache ?? CalibrationCache.FromAmax(ranges.Select(r => new KeyValuePair<string, float>(r.Name, r.Amax)), options.CacheTensorRtVersion, algorithm);
        return new QuantizeResult(OnnxModel.FromProto(qdq.Model, model.BaseDirectory), qdq.Report, cache, ranges, statistics, calibrationTime) { Normalization = model.Normalization };
    }
}
