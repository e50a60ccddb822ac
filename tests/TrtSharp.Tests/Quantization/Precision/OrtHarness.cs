using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>Runs models in ONNX Runtime for the tests: plain runs, and calibration ranges through output taps.</summary>
internal static class OrtHarness
{
    /// <summary>One float input sample: name → (values, shape).</summary>
    public sealed record Sample(Dictionary<string, (float[] Data, long[] Shape)> Inputs);

    /// <summary>Runs the model (serialized and re-parsed by ORT, as a file would be) and returns every float output.</summary>
    public static Dictionary<string, float[]> Run(ModelProto model, Sample sample, IEnumerable<string>? extraOutputs = null)
    {
        var copy = model.Clone();
        foreach (var name in extraOutputs ?? [])
        {
            if (copy.Graph.Output.All(o => o.Name != name))
            {
                // A name-only ValueInfo is enough: ORT infers the type and shape of a tapped tensor.
                copy.Graph.Output.Add(new ValueInfoProto { Name = name });
            }
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(copy.ToByteArray(), options);
        var names = sample.Inputs.Keys.ToArray();
        var values = names.Select(n => OrtValue.CreateTensorValueFromMemory(sample.Inputs[n].Data, sample.Inputs[n].Shape)).ToArray();
        try
        {
            var outputNames = session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, outputNames);
            var dict = new Dictionary<string, float[]>();
            for (var i = 0; i < outputNames.Length; i++)
            {
                if (results[i].GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
                {
                    dict[outputNames[i]] = results[i].GetTensorDataAsSpan<float>().ToArray();
                }
            }

            return dict;
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>[min, max] of every float tensor (graph inputs and node outputs) over the samples.</summary>
    public static Dictionary<string, TensorRange> Ranges(ModelProto model, IEnumerable<Sample> samples)
    {
        var taps = model.Graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0).Distinct().ToList();
        var ranges = new Dictionary<string, TensorRange>();
        foreach (var sample in samples)
        {
            var observed = Run(model, sample, taps);
            foreach (var (name, input) in sample.Inputs)
            {
                observed[name] = input.Data;
            }

            foreach (var (name, data) in observed)
            {
                var lo = data.Min();
                var hi = data.Max();
                ranges[name] = ranges.TryGetValue(name, out var r) ? new TensorRange(Math.Min(r.Min, lo), Math.Max(r.Max, hi)) : new TensorRange(lo, hi);
            }
        }

        return ranges;
    }

    public static Dictionary<string, float> Amax(Dictionary<string, TensorRange> ranges) =>
        ranges.ToDictionary(kv => kv.Key, kv => kv.Value.Amax);

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>Round-trips through bytes, as writing and re-reading the file would.</summary>
    public static ModelProto RoundTrip(ModelProto model) => ModelProto.Parser.ParseFrom(model.ToByteArray());
}
