using TrtSharp.Calibration.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.OnnxRuntime;

namespace TrtSharp.Calibration;

/// <summary>
/// Runs a float model over a calibration dataset on ONNX Runtime with every floating-point activation tapped,
/// streaming each batch's values straight into per-tensor histograms (nothing of the activations is kept).
/// </summary>
public static class ActivationCalibrator
{
    /// <summary>Bindings kept alive at once, one per distinct set of input shapes (batches of a clip differ at the tail).</summary>
    private const int MaxCachedBindings = 4;

    /// <summary>Collects statistics of the graph inputs and every floating-point node output of <paramref name="modelPath"/>.</summary>
    /// <exception cref="CalibrationException">The dataset is empty, or some value is NaN/∞ (naming tensor and sample).</exception>
    public static IReadOnlyList<TensorStatistics> Collect(string modelPath, ICalibrationDataset data, OnnxRuntimeOptions? options = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options = options?.Clone() ?? new OnnxRuntimeOptions();
        options.TapAllFloatingPoint = true;
        using var session = OnnxRuntimeSession.FromFile(modelPath, options);
        var collector = new StatisticsCollector();
        var bindings = new Dictionary<string, IInferenceBinding>(StringComparer.Ordinal);
        var floatOutputs = session.Outputs.Where(o => o.ElementType == TensorElementType.Float).Select(o => o.Name).ToArray();
        var floatInputs = session.Inputs.Where(i => i.ElementType == TensorElementType.Float).Select(i => i.Name).ToArray();
        long samples = 0, batches = 0;
        try
        {
            foreach (var batch in data.Batches(cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var binding = BindingFor(session, batch, bindings);
                foreach (var (name, tensor) in batch)
                {
                    tensor.AsBytes().CopyTo(binding.Input(name).AsBytes());
                }
                binding.Run();
                int batchSize = batch.Values.First().Rank > 0 ? (int)batch.Values.First().Shape[0] : 1;
                foreach (string name in floatInputs)
                {
                    collector.Add(name, ((HostTensor<float>)batch[name]).Span, samples, batchSize);
                }
                foreach (string name in floatOutputs)
                {
                    collector.Add(name, ((HostTensor<float>)binding.Output(name)).Span, samples, batchSize);
                }
                samples += batchSize;
                batches++;
                progress?.Report(new ProgressUpdate("calibrating", batches, 0));
            }
        }
        finally
        {
            foreach (var b in bindings.Values)
            {
                b.Dispose();
            }
        }
        if (batches == 0)
        {
            throw new CalibrationException(null, null, $"the calibration dataset ({data.Description}) is empty");
        }
        return collector.ToStatistics();
    }

    private static IInferenceBinding BindingFor(IInferenceSession session, IReadOnlyDictionary<string, HostTensor> batch, Dictionary<string, IInferenceBinding> cache)
    {
        foreach (var input in session.Inputs)
        {
            if (!batch.TryGetValue(input.Name, out var t))
            {
                throw new TensorShapeException(input.Name, "the calibration sample has no value for this input");
            }
            if (t.ElementType != input.ElementType)
            {
                throw new TensorShapeException(input.Name, $"calibration data is {TensorElementTypeInfo.Name(t.ElementType)}, the model wants {TensorElementTypeInfo.Name(input.ElementType)}");
            }
        }
        string key = string.Join(";", batch.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + HostTensor.FormatShape(p.Value.Shape)));
        if (cache.TryGetValue(key, out var binding))
        {
            return binding;
        }
        if (cache.Count >= MaxCachedBindings)
        {
            var (oldKey, old) = cache.First();
            old.Dispose();
            cache.Remove(oldKey);
        }
        binding = session.CreateBinding(batch.ToDictionary(p => p.Key, p => p.Value.ShapeArray(), StringComparer.Ordinal));
        cache[key] = binding;
        return binding;
    }
}
