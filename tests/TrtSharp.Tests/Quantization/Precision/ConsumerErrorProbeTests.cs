using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The per-tensor method choice by effect: each method's error at the outputs of the weighted layers reading a tensor,
/// checked against the same error computed here by hand (quantize, 1×1 convolution, relative squared error).
/// </summary>
[TestFixture]
public class ConsumerErrorProbeTests
{
    private const int Channels = 3, Filters = 4, Side = 6, Samples = 2;

    private static readonly CalibrationMethod[] Methods = [CalibrationMethod.Entropy, CalibrationMethod.Mse, CalibrationMethod.Percentile, CalibrationMethod.Max];

    private static (ModelProto Model, float[] Weights, float[] Bias) PointwiseConv(int channels, int filters, float[]? weights = null)
    {
        weights ??= ModelBuilder.Random(filters * channels, 7);
        float[] bias = ModelBuilder.Random(filters, 8, 0.1f);
        var model = new ModelBuilder()
            .Input("x", -1, channels, Side, Side)
            .Initializer("w", weights, filters, channels, 1, 1)
            .Initializer("b", bias, filters)
            .Node("Conv", "conv", ["x", "w", "b"], "y")
            .Output("y")
            .Build();
        return (model, weights, bias);
    }

    /// <summary>Per method a range report of tensor "x" with that method's amax (and the observed min/max).</summary>
    private static Dictionary<CalibrationMethod, Dictionary<string, TensorRangeReport>> Ranges(float min, float max, params float[] amax)
    {
        var byMethod = Methods.Select((m, i) => (m, amax[i])).ToDictionary(p => p.m, p => p.Item2);
        return Methods.ToDictionary(m => m, m => new Dictionary<string, TensorRangeReport>
        {
            ["x"] = new("x", 1000, min, max, byMethod, m, byMethod[m], 0),
        });
    }

    /// <summary>QuantizeLinear then DequantizeLinear, as ONNX defines them (round half to even, saturate).</summary>
    private static float QuantizeDequantize(float x, float scale, int zeroPoint, int low, int high) =>
        (float)((Math.Clamp(Math.Round(x / scale, MidpointRounding.ToEven) + zeroPoint, low, high) - zeroPoint) * scale);

    /// <summary>‖conv(q(x)) − conv(x)‖² / ‖conv(x)‖² for a 1×1 convolution, in double.</summary>
    private static double RelativeError(float[] x, float[] w, float[] b, int channels, int filters, Func<float, float> quantize)
    {
        int pixels = Side * Side, samples = x.Length / (channels * pixels);
        double error = 0, energy = 0;
        for (int n = 0; n < samples; n++)
        {
            for (int o = 0; o < filters; o++)
            {
                for (int p = 0; p < pixels; p++)
                {
                    double exact = b[o], quantized = b[o];
                    for (int c = 0; c < channels; c++)
                    {
                        float v = x[((n * channels) + c) * pixels + p];
                        exact += w[(o * channels) + c] * (double)v;
                        quantized += w[(o * channels) + c] * (double)quantize(v);
                    }
                    error += (quantized - exact) * (quantized - exact);
                    energy += exact * exact;
                }
            }
        }
        return error / energy;
    }

    private static float[] Values(int seed)
    {
        float[] x = ModelBuilder.Random(Samples * Channels * Side * Side, seed, 1.5f);
        // A few large values, so the four ranges clip differently.
        x[5] = 6f;
        x[40] = -4.5f;
        x[100] = 3.2f;
        return x;
    }

    [TestCase(QdqProfile.TensorRt)]
    [TestCase(QdqProfile.OrtCpu)]
    public void EachMethodsErrorIsTheRelativeErrorOfTheConsumersOutput(QdqProfile profile)
    {
        var (model, w, b) = PointwiseConv(Channels, Filters);
        float[] x = Values(3);
        var ranges = Ranges(x.Min(), x.Max(), 1.2f, 2.5f, 4f, 6f);
        var consumers = ConsumerErrorProbe.Find(model, _ => true);
        Assert.That(consumers.Select(c => (c.Tensor, c.Node.Name)), Is.EqualTo(new[] { ("x", "conv") }));
        var values = new Dictionary<string, HostTensor<float>> { ["x"] = new([Samples, Channels, Side, Side], x) };

        var choice = ConsumerErrorProbe.Choose(model, consumers, values, ranges, profile, new OnnxRuntimeOptions { IntraOpThreads = 1 })["x"];

        foreach (CalibrationMethod m in Methods)
        {
            var range = ranges[m]["x"];
            Func<float, float> quantize;
            if (profile == QdqProfile.TensorRt)
            {
                float scale = range.Amax / 127f;
                quantize = v => QuantizeDequantize(v, scale, 0, -128, 127);
            }
            else
            {
                var (scale, zero) = QuantizationMath.AsymmetricUInt8(Math.Max(range.Min, -range.Amax), Math.Min(range.Max, range.Amax));
                quantize = v => QuantizeDequantize(v, scale, zero, 0, 255);
            }
            double expected = RelativeError(x, w, b, Channels, Filters, quantize);
            Assert.That(choice.RelativeError[m], Is.EqualTo(expected).Within(1e-3 * expected + 1e-9), $"{m}");
        }
        Assert.That(choice.Method, Is.EqualTo(Methods.MinBy(m => choice.RelativeError[m])));
        Assert.That(choice.Reason, Does.StartWith($"per tensor: {choice.Method.ToString().ToLowerInvariant()} gave the least error at the output of Conv 'conv'"));
    }

    [Test]
    public void TheChoiceFollowsTheConsumerNotTheTensorsOwnError()
    {
        // Channel 0 is wide and channel 1 narrow; the only filter reads channel 1 alone. A narrow range ruins channel 0
        // (the tensor's own error is the worst) but resolves what the layer reads (its output's error is the least).
        const int channels = 2, pixels = Side * Side;
        var (model, w, b) = PointwiseConv(channels, 1, [0f, 1f]);
        float[] x = new float[channels * pixels];
        float[] wide = ModelBuilder.Random(pixels, 11, 8f), narrow = ModelBuilder.Random(pixels, 12, 0.5f);
        wide.CopyTo(x, 0);
        narrow.CopyTo(x, pixels);
        float[] amax = [0.5f, 4f, 6f, 8f]; // entropy, mse, percentile, max
        var ranges = Ranges(x.Min(), x.Max(), amax);
        var values = new Dictionary<string, HostTensor<float>> { ["x"] = new([1, channels, Side, Side], x) };

        var choice = ConsumerErrorProbe.Choose(model, ConsumerErrorProbe.Find(model, _ => true), values, ranges, QdqProfile.TensorRt, new OnnxRuntimeOptions { IntraOpThreads = 1 })["x"];

        Assert.That(choice.Method, Is.EqualTo(CalibrationMethod.Entropy));
        double OwnError(float a) => x.Sum(v => Math.Pow(QuantizeDequantize(v, a / 127f, 0, -128, 127) - v, 2));
        Assert.That(OwnError(amax[0]), Is.GreaterThan(new[] { amax[1], amax[2], amax[3] }.Max(OwnError)), "entropy's range is the worst for the tensor itself");
        Assert.That(choice.RelativeError[CalibrationMethod.Entropy], Is.LessThan(choice.RelativeError[CalibrationMethod.Max] / 100));
    }

    [Test]
    public void OnlyLayersWithConstantWeightsReadingTheTensorAtTheirDataInputAreProbed()
    {
        var model = new ModelBuilder()
            .Input("x", 1, 4)
            .Input("free", 4, 4)
            .Initializer("w", ModelBuilder.Random(16, 1), 4, 4)
            .Initializer("k", ModelBuilder.Random(16, 2), 4, 4, 1, 1)
            .Node("MatMul", "weighted", ["x", "w"], "a")
            .Node("MatMul", "two_activations", ["a", "a"], "b")
            .Node("Gemm", "gemm_fed_weight", ["b", "free"], "c")
            .Node("Gemm", "gemm", ["b", "w"], "d")
            .Node("MatMul", "weight_first", ["w", "d"], "e")
            .Node("Reshape", "to4d", ["e", "shape"], "e4")
            .Node("Conv", "conv", ["e4", "k"], "f")
            .Node("Relu", "relu", ["f"], "g")
            .Output("g")
            .Build();
        var consumers = ConsumerErrorProbe.Find(model, name => name != "a");
        Assert.That(consumers.Select(c => $"{c.Tensor}>{c.Node.Name}"), Is.EqualTo(new[] { "x>weighted", "b>gemm", "e4>conv" }),
            "not 'a' (not calibrated), not a weight fed as a graph input, not a weight on the left");
        Assert.That(ConsumerErrorProbe.ConvolutionInputs(consumers), Is.EquivalentTo(new[] { "e4" }), "only a Conv's input is cropped");
    }
}
