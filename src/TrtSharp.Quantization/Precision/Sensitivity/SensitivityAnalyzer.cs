using System.Diagnostics;
using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision.AutoCast;

namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>
/// Which layers break reduced precision: reduce one layer (or one partition of consecutive layers) at a time, keep the
/// rest in float32, and measure the outputs against float32 on held-out data. Calibration (INT8) or the data pass
/// (FP16/BF16) runs once; each trial only places Q/DQ or converts again and runs the held-out data.
/// </summary>
public static class SensitivityAnalyzer
{
    /// <summary>INT8: calibrates <paramref name="model"/> once on <paramref name="calibration"/>, then ranks its quantizable nodes.</summary>
    /// <exception cref="ArgumentException">Bad options, or no named node would be quantized.</exception>
    public static SensitivityReport Int8(OnnxModel model, ICalibrationDataset calibration, ICalibrationDataset holdout, QuantizeOptions? quantize = null,
        SensitivityOptions? options = null, OnnxRuntimeOptions? runtimeOptions = null, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        quantize ??= new QuantizeOptions();
        (options ?? new SensitivityOptions()).Validate();
        QuantizeResult calibrated = ModelQuantizer.Quantize(model, calibration, quantize, runtimeOptions, progress, cancellationToken);
        return Int8(model, calibrated, quantize, holdout, options, runtimeOptions, progress, cancellationToken);
    }

    /// <summary>INT8 on the ranges of an existing quantization of <paramref name="model"/> (no calibration).</summary>
    public static SensitivityReport Int8(OnnxModel model, QuantizeResult calibrated, QuantizeOptions quantize, ICalibrationDataset holdout,
        SensitivityOptions? options = null, OnnxRuntimeOptions? runtimeOptions = null, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibrated);
        ArgumentNullException.ThrowIfNull(quantize);
        ArgumentNullException.ThrowIfNull(holdout);
        using var trials = new Int8Trials(model, calibrated, quantize, holdout, runtimeOptions);
        return Rank(trials, options ?? new SensitivityOptions(), progress, cancellationToken);
    }

    /// <summary>FP16/BF16: converts <paramref name="model"/> once (data rules on <paramref name="data"/> when given), then ranks its converted nodes.</summary>
    public static SensitivityReport ReducedFloat(OnnxModel model, AutoCastOptions autoCast, ICalibrationDataset? data, ICalibrationDataset holdout,
        SensitivityOptions? options = null, OnnxRuntimeOptions? runtimeOptions = null, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(autoCast);
        ArgumentNullException.ThrowIfNull(holdout);
        (options ?? new SensitivityOptions()).Validate();
        AutoCastResult converted = AutoCaster.Convert(model, autoCast, data, progress, cancellationToken);
        using var trials = new ReducedFloatTrials(model, autoCast, converted, holdout, runtimeOptions);
        return Rank(trials, options ?? new SensitivityOptions(), progress, cancellationToken);
    }

    internal static SensitivityReport Rank<T>(PrecisionTrials<T> trials, SensitivityOptions options, IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var layers = trials.Layers;
        if (layers.Count == 0)
        {
            throw new ArgumentException($"no layer to rank: the model has no named node that {trials.Precision} would reduce");
        }
        var all = layers.Select(l => l.Name).ToList();
        var allReduced = trials.Evaluate([], cancellationToken);
        var partitions = layers.Chunk(options.PartitionSize).ToList();
        var entries = new List<LayerSensitivity>(partitions.Count);
        for (int i = 0; i < partitions.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new ProgressUpdate($"{trials.Precision} sensitivity", i, partitions.Count));
            var reduced = partitions[i].Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
            var agreement = trials.Evaluate(all.Where(n => !reduced.Contains(n)).ToList(), cancellationToken);
            entries.Add(Entry(partitions[i], agreement));
        }
        progress?.Report(new ProgressUpdate($"{trials.Precision} sensitivity", partitions.Count, partitions.Count));
        // Stable: equal figures keep graph order.
        var ranked = entries.OrderBy(e => e.Cosine).ThenBy(e => e.SnrDb).ToList();
        return new SensitivityReport(trials.Mode, trials.Precision, options.PartitionSize, layers.Count, ranked, allReduced, trials.HoldOut.Description, clock.Elapsed);
    }

    private static LayerSensitivity Entry((string Name, string OpType)[] partition, IReadOnlyList<OutputAgreement> agreement)
    {
        // A NaN (an output that became NaN or infinite) ranks as the worst possible agreement.
        double cosine = agreement.Count == 0 ? 1 : agreement.Min(a => double.IsNaN(a.Cosine) ? -1 : a.Cosine);
        double snr = agreement.Count == 0 ? double.PositiveInfinity : agreement.Min(a => double.IsNaN(a.SnrDb) ? double.NegativeInfinity : a.SnrDb);
        double maxAbs = agreement.Count == 0 ? 0 : agreement.Max(a => a.MaxAbsoluteError);
        return new LayerSensitivity([.. partition.Select(p => p.Name)], [.. partition.Select(p => p.OpType)], cosine, snr, maxAbs);
    }
}
