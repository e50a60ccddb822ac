using System.Diagnostics;
using TrtSharp.Datasets;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.AutoCast;

namespace TrtSharp.Tests.RealModels;

/// <summary>Quantizes a suite model with default options (only the placement chosen) and opens the result in ONNX Runtime.</summary>
internal static class SuiteQuantization
{
    public static readonly OnnxRuntimeOptions Options = new() { IntraOpThreads = 1, InterOpThreads = 1, AllowSpinning = false };

    public static OnnxRuntimeSession OpenFp32(string modelPath) => OnnxRuntimeSession.FromFile(modelPath, Options);

    /// <summary>Calibrates on <paramref name="calibration"/> and returns the INT8 model for <paramref name="placement"/> (<c>trt</c> or <c>ort-cpu</c>), opened.</summary>
    public static OnnxRuntimeSession Quantize(string modelPath, ICalibrationDataset calibration, string placement) =>
        QuantizeWithResult(modelPath, calibration, placement).Session;

    /// <summary>As <see cref="Quantize"/>, with the quantizer's result (report, ranges) as well.</summary>
    public static (OnnxRuntimeSession Session, QuantizeResult Result) QuantizeWithResult(string modelPath, ICalibrationDataset calibration, string placement)
    {
        var profile = placement switch
        {
            "trt" => QdqProfile.TensorRt,
            "ort-cpu" => QdqProfile.OrtCpu,
            _ => throw new ArgumentException(placement, nameof(placement)),
        };
        var clock = Stopwatch.StartNew();
        QuantizeResult result = ModelQuantizer.Quantize(modelPath, calibration, new QuantizeOptions { Qdq = new QdqOptions { Profile = profile } }, Options);
        TestContext.Progress.WriteLine($"{Path.GetFileName(modelPath)} [{placement}]: quantized in {clock.Elapsed.TotalSeconds:0.0} s ({calibration.Description}; " +
            $"{result.Model.Graph.Nodes.Count(n => n.OpType == "QuantizeLinear")} Q nodes, methods {(result.Ranges.Count > 0 ? string.Join("/", result.Ranges.GroupBy(r => r.ChosenMethod).Select(g => $"{g.Key} {g.Count()}")) : "none")})" +
            (result.Selection is { } s ? $"; chosen {s.Chosen.Name} in {s.Elapsed.TotalSeconds:0.00} s of judging (" +
                string.Join(", ", s.Candidates.Select(c => $"{c.Name} {c.MinCosine:0.00000}/{c.MinSnrDb:0.0} dB/{c.Batches} batches")) + ")" : ""));
        return (OnnxRuntimeSession.FromModel(result.Model, Options), result);
    }

    /// <summary>
    /// Converts a suite model with AutoCast's default options (range rules fed by <paramref name="data"/>) and opens its
    /// float32 emulation, which rounds every value the converted model holds in the reduced type.
    /// </summary>
    public static OnnxRuntimeSession AutoCast(string modelPath, ICalibrationDataset data, string target)
    {
        var clock = Stopwatch.StartNew();
        AutoCastResult result = AutoCaster.Convert(OnnxModel.LoadNormalized(modelPath), new AutoCastOptions { Target = ReducedPrecisionInfo.Parse(target) }, data);
        TestContext.Progress.WriteLine($"{Path.GetFileName(modelPath)} [{target}]: converted in {clock.Elapsed.TotalSeconds:0.0} s; {result.ReducedNodes} of {result.FloatNodes} " +
            $"float nodes, {result.ConvertedWeightShare:P1} of the weight bytes; kept float32: " +
            string.Join("; ", result.Kept.GroupBy(k => k.Rule).Select(g => $"{g.Count()} by {g.Key} (e.g. {g.First().Node}: {g.First().Reason})")));
        return OnnxRuntimeSession.FromModel(result.Emulation.Proto.Clone(), Options);
    }

    /// <summary>Fraction of pairs on which <paramref name="same"/> holds, printed with the model and placement.</summary>
    public static double Report<T>(string what, string placement, IReadOnlyList<T> fp32, IReadOnlyList<T> int8, Func<T, T, bool> same)
    {
        int agree = fp32.Zip(int8).Count(p => same(p.First, p.Second));
        TestContext.Progress.WriteLine($"{what} [{placement}]: {agree}/{fp32.Count} held-out samples agree with FP32");
        return (double)agree / fp32.Count;
    }
}
