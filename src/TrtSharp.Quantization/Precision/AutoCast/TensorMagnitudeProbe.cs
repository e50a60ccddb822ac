using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision.AutoCast;

/// <summary>Runs the float32 model over a dataset with every float tensor tapped and measures each tensor's magnitudes.</summary>
internal static class TensorMagnitudeProbe
{
    public static Dictionary<string, TensorMagnitude> Measure(ModelProto model, ICalibrationDataset data, ReducedPrecision target, int maxSamples,
        IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        // Fatal only: a sample the model fails on reaches the caller as the exception, with ONNX Runtime's message; its log
        // would print that message a second time.
        var options = new OnnxRuntimeOptions { TapAllFloatingPoint = true, LogSeverity = OnnxRuntimeLogSeverity.Fatal };
        using OnnxRuntimeSession session = OnnxRuntimeSession.FromModel(model.Clone(), options);
        string[] names = [.. session.Outputs.Where(o => o.ElementType == TensorElementType.Float).Select(o => o.Name)];
        var totals = names.ToDictionary(n => n, _ => new TensorMagnitude.Accumulator(), StringComparer.Ordinal);
        int samples = 0;
        foreach (IReadOnlyDictionary<string, HostTensor> batch in data.Batches(cancellationToken))
        {
            // Graph inputs too: a consumer converted to half precision reads them through a Cast.
            foreach (var (name, tensor) in batch)
            {
                if (tensor is HostTensor<float> input)
                {
                    if (!totals.TryGetValue(name, out var total))
                    {
                        totals[name] = total = new TensorMagnitude.Accumulator();
                    }
                    total.Add(input.Span, target.MinNormal());
                }
            }
            IReadOnlyDictionary<string, HostTensor> outputs = session.Run(batch, names);
            foreach (string name in names)
            {
                if (outputs[name] is HostTensor<float> values)
                {
                    totals[name].Add(values.Span, target.MinNormal());
                }
            }
            samples++;
            progress?.Report(new ProgressUpdate("measuring tensor magnitudes (batches)", samples, 0));
            if (samples >= maxSamples)
            {
                break;
            }
        }
        if (samples == 0)
        {
            throw new ArgumentException($"the dataset ({data.Description}) yielded no batch");
        }
        return totals.ToDictionary(p => p.Key, p => p.Value.ToMagnitude(p.Key), StringComparer.Ordinal);
    }
}
