using TrtSharp.Comparison;
using TrtSharp.Datasets;
using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>Agreement of one output between a prepared model and its FP32 reference over a held-out dataset.</summary>
public sealed record OutputAgreement(string Name, long Count, double MaxAbsoluteError, double MeanAbsoluteError, double Cosine, double SnrDb, double MinSampleCosine);

/// <summary>Runs a reference model and a prepared (Q/DQ, FP16) model on the same held-out data and measures their agreement per output.</summary>
internal static class QuantizationValidation
{
    /// <summary>Compares every float output of <paramref name="candidate"/> with <paramref name="reference"/> over <paramref name="data"/>.</summary>
    public static IReadOnlyList<OutputAgreement> Compare(IInferenceSession reference, IInferenceSession candidate, ICalibrationDataset data, CancellationToken cancellationToken = default) =>
        Compare(reference, candidate, data, null, cancellationToken);

    /// <summary>
    /// As the public overload; <paramref name="expectedOutputs"/>, when given, keeps the reference's outputs per batch:
    /// filled on the first call, reused on later ones (the same data compared with many candidates runs the reference once).
    /// </summary>
    internal static IReadOnlyList<OutputAgreement> Compare(IInferenceSession reference, IInferenceSession candidate, ICalibrationDataset data,
        List<IReadOnlyDictionary<string, HostTensor>>? expectedOutputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(data);
        var names = reference.Outputs.Where(o => o.ElementType == TensorElementType.Float).Select(o => o.Name)
            .Where(n => candidate.Outputs.Any(o => o.Name == n)).ToArray();
        var totals = names.ToDictionary(n => n, _ => new AgreementAccumulator(), StringComparer.Ordinal);
        var minCosine = names.ToDictionary(n => n, _ => 1.0, StringComparer.Ordinal);
        bool reuse = expectedOutputs is { Count: > 0 };
        int index = 0;
        foreach (var batch in data.Batches(cancellationToken))
        {
            IReadOnlyDictionary<string, HostTensor> expected;
            if (reuse)
            {
                expected = expectedOutputs![index++];
            }
            else
            {
                expected = reference.Run(batch, names);
                expectedOutputs?.Add(expected);
            }
            var actual = candidate.Run(batch, names);
            foreach (string name in names)
            {
                var a = (HostTensor<float>)actual[name];
                var e = (HostTensor<float>)expected[name];
                totals[name].Add(a.Span, e.Span);
                long perSample = e.Rank > 0 && e.Shape[0] > 0 ? e.ElementCount / e.Shape[0] : e.ElementCount;
                for (long start = 0; perSample > 0 && start < e.ElementCount; start += perSample)
                {
                    var sample = new AgreementAccumulator();
                    sample.Add(a.Span.Slice((int)start, (int)perSample), e.Span.Slice((int)start, (int)perSample));
                    minCosine[name] = Math.Min(minCosine[name], sample.Cosine);
                }
            }
        }
        return names.Select(n => new OutputAgreement(n, totals[n].Count, totals[n].MaxAbsoluteError, totals[n].MeanAbsoluteError,
            totals[n].Cosine, totals[n].SnrDb, minCosine[n])).ToList();
    }
}
