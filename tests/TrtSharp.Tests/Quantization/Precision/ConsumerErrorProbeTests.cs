using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Quantization.Precision;

/// <summary>
/// The per-tensor method choice by effect: each method's error at the outputs of the weighted layers reading a tensor,
/// checked against the same error computed here by hand (the candidate's own DequantizeLinear parameters, ONNX's
/// quantize/dequantize, a 1×1 convolution, the relative squared error).
/// </summary>
[TestFixture]
public class ConsumerErrorProbeTests
{
    private const int Channels = 3, Filters = 4, Side = 6, Samples = 2;

    private static readonly CalibrationMethod[] Methods = [CalibrationMethod.Entropy, CalibrationMethod.Mse, CalibrationMethod.Percentile, CalibrationMethod.Max];

    private static readonly OnnxRuntimeOptions OneThread = new() { IntraOpThreads = 1 };

    private static (ModelProto Model, float[] Weights, float[] Bias) PointwiseConv(int channels, int filters, float[]? weights = null, long opset = 13)
    {
        weights ??= ModelBuilder.Random(filters * channels, 7);
        float[] bias = ModelBuilder.Random(filters, 8, 0.1f);
        var model = new ModelBuilder(opset)
            .Input("x", -1, channels, Side, Side)
            .Initializer("w", weights, filters, channels, 1, 1)
            .Initializer("b", bias, filters)
            .Node("Conv", "conv", ["x", "w", "b"], "y")
            .Output("y")
            .Build();
        return (model, weights, bias);
    }

    /// <summary>Each method's Q/DQ model of <paramref name="model"/> with tensor "x" at that method's range.</summary>
    private static Dictionary<CalibrationMethod, ModelProto> Candidates(ModelProto model, QdqProfile profile, float min, float max, params float[] amax)
    {
        var options = new QdqOptions { Profile = profile, KeepFirstAndLastConvInFloat = false };
        return Methods.Select((m, i) => (m, amax[i])).ToDictionary(p => p.m, p => profile == QdqProfile.TensorRt
            ? QdqInserter.Insert(model, new Dictionary<string, float> { ["x"] = p.Item2 }, options).Model
            : QdqInserter.Insert(model, new Dictionary<string, TensorRange> { ["x"] = new(Math.Max(min, -p.Item2), Math.Min(max, p.Item2)) }, options).Model);
    }

    /// <summary>Scale and zero point of the DequantizeLinear that feeds node <paramref name="name"/> in <paramref name="model"/>.</summary>
    private static (float Scale, int ZeroPoint, bool Unsigned) InputParameters(ModelProto model, string name)
    {
        var node = model.Graph.Node.Single(n => n.Name == name);
        var dq = model.Graph.Node.Single(n => n.Output.Contains(node.Input[0]));
        Assert.That(dq.OpType, Is.EqualTo("DequantizeLinear"));
        var scale = model.Graph.Initializer.Single(t => t.Name == dq.Input[1]);
        var zero = model.Graph.Initializer.Single(t => t.Name == dq.Input[2]);
        bool unsigned = zero.DataType == (int)TensorElementType.UInt8;
        byte raw = OnnxTensors.ToHostTensor(zero).AsBytes()[0];
        return (((HostTensor<float>)OnnxTensors.ToHostTensor(scale)).Data[0], unsigned ? raw : (sbyte)raw, unsigned);
    }

    /// <summary>QuantizeLinear then DequantizeLinear, as ONNX defines them (round half to even, saturate).</summary>
    private static float QuantizeDequantize(float x, float scale, int zeroPoint, bool unsigned) =>
        (float)((Math.Clamp(Math.Round(x / scale, MidpointRounding.ToEven) + zeroPoint, unsigned ? 0 : -128, unsigned ? 255 : 127) - zeroPoint) * scale);

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
                        float v = x[(((n * channels) + c) * pixels) + p];
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

    [TestCase(QdqProfile.TensorRt, 13)]
    [TestCase(QdqProfile.OrtCpu, 13)]
    [TestCase(QdqProfile.TensorRt, 18)]
    public void EachMethodsErrorIsTheRelativeErrorOfTheConsumersOutput(QdqProfile profile, long opset)
    {
        var (model, w, b) = PointwiseConv(Channels, Filters, opset: opset);
        float[] x = Values(3);
        var candidates = Candidates(model, profile, x.Min(), x.Max(), 1.2f, 2.5f, 4f, 6f);
        var consumers = ConsumerErrorProbe.Find(model, _ => true);
        Assert.That(consumers.Select(c => (c.Tensor, c.Node.Name)), Is.EqualTo(new[] { ("x", "conv") }));
        var values = new Dictionary<string, HostTensor<float>> { ["x"] = new([Samples, Channels, Side, Side], x) };

        var choice = ConsumerErrorProbe.Choose(model, consumers, values, candidates, OneThread)["x"];

        foreach (CalibrationMethod m in Methods)
        {
            var (scale, zero, unsigned) = InputParameters(candidates[m], "conv");
            double expected = RelativeError(x, w, b, Channels, Filters, v => QuantizeDequantize(v, scale, zero, unsigned));
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
        var (model, _, _) = PointwiseConv(channels, 1, [0f, 1f]);
        float[] x = new float[channels * pixels];
        ModelBuilder.Random(pixels, 11, 8f).CopyTo(x, 0);
        ModelBuilder.Random(pixels, 12, 0.5f).CopyTo(x, pixels);
        float[] amax = [0.5f, 4f, 6f, 8f]; // entropy, mse, percentile, max
        var candidates = Candidates(model, QdqProfile.TensorRt, x.Min(), x.Max(), amax);
        var values = new Dictionary<string, HostTensor<float>> { ["x"] = new([1, channels, Side, Side], x) };

        var choice = ConsumerErrorProbe.Choose(model, ConsumerErrorProbe.Find(model, _ => true), values, candidates, OneThread)["x"];

        Assert.That(choice.Method, Is.EqualTo(CalibrationMethod.Entropy));
        double OwnError(float a) => x.Sum(v => Math.Pow(QuantizeDequantize(v, a / 127f, 0, false) - v, 2));
        Assert.That(OwnError(amax[0]), Is.GreaterThan(new[] { amax[1], amax[2], amax[3] }.Max(OwnError)), "entropy's range is the worst for the tensor itself");
        Assert.That(choice.RelativeError[CalibrationMethod.Entropy], Is.LessThan(choice.RelativeError[CalibrationMethod.Max] / 100));
    }

    [Test]
    public void IdenticalParametersShareOneMeasurementAndTiesGoToMse()
    {
        var (model, _, _) = PointwiseConv(Channels, Filters);
        float[] x = Values(4);
        var candidates = Candidates(model, QdqProfile.TensorRt, x.Min(), x.Max(), 3f, 3f, 3f, 3f);
        var values = new Dictionary<string, HostTensor<float>> { ["x"] = new([Samples, Channels, Side, Side], x) };
        var choice = ConsumerErrorProbe.Choose(model, ConsumerErrorProbe.Find(model, _ => true), values, candidates, OneThread)["x"];
        Assert.That(choice.Method, Is.EqualTo(CalibrationMethod.Mse));
        Assert.That(choice.RelativeError.Values.Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void ALayerKeptFloatByAnyCandidateOrWithAnAllZeroOutputIsNotMeasured()
    {
        float[] x = Values(5);
        var values = new Dictionary<string, HostTensor<float>> { ["x"] = new([Samples, Channels, Side, Side], x) };
        // The only Conv is the first and the last: the ORT CPU placement keeps it float, so no candidate quantizes x.
        var (model, _, _) = PointwiseConv(Channels, Filters);
        var floatConv = Methods.ToDictionary(m => m, _ => QdqInserter.Insert(model, new Dictionary<string, TensorRange> { ["x"] = new(-6, 6) }, new QdqOptions { Profile = QdqProfile.OrtCpu }).Model);
        Assert.That(ConsumerErrorProbe.Choose(model, ConsumerErrorProbe.Find(model, _ => true), values, floatConv, OneThread), Is.Empty);
        // One candidate keeps the layer float while the others quantize it: the methods cannot be compared there.
        var mixed = Candidates(model, QdqProfile.TensorRt, x.Min(), x.Max(), 1.2f, 2.5f, 4f, 6f);
        mixed[CalibrationMethod.Max] = floatConv[CalibrationMethod.Max];
        Assert.That(ConsumerErrorProbe.Choose(model, ConsumerErrorProbe.Find(model, _ => true), values, mixed, OneThread), Is.Empty);
        // Zero weights and bias: the output has no energy, so it cannot rank the methods.
        var zero = new ModelBuilder()
            .Input("x", -1, Channels, Side, Side)
            .Initializer("w", new float[Filters * Channels], Filters, Channels, 1, 1)
            .Node("Conv", "conv", ["x", "w"], "y")
            .Output("y")
            .Build();
        var candidates = Candidates(zero, QdqProfile.TensorRt, x.Min(), x.Max(), 1.2f, 2.5f, 4f, 6f);
        Assert.That(ConsumerErrorProbe.Choose(zero, ConsumerErrorProbe.Find(zero, _ => true), values, candidates, OneThread), Is.Empty);
    }

    [Test]
    public void ASampledConvComputesEverySecondOutputOfTheLayer()
    {
        int side = ConsumerErrorProbe.SampledSide + 4;
        var model = new ModelBuilder()
            .Input("x", 1, 2, side, side)
            .Initializer("w", ModelBuilder.Random(3 * 2 * 9, 21), 3, 2, 3, 3)
            .Node("Conv", "conv", ["x", "w"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1), ModelBuilder.Ints("dilations", 1, 2))
            .Output("y")
            .Build();
        var conv = model.Graph.Node[0];
        var sampled = ConsumerErrorProbe.Sampled(conv, [1, 2, side, side]);
        Assert.That(sampled.Attribute.Single(a => a.Name == "strides").Ints, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(conv.Attribute.Any(a => a.Name == "strides"), Is.False, "the layer itself is not changed");

        var input = new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([1, 2, side, side], ModelBuilder.Random(2 * side * side, 22)) };
        using var full = OnnxRuntimeSession.FromModel(model, OneThread);
        var everyOther = model.Clone();
        everyOther.Graph.Node[0] = sampled;
        using var half = OnnxRuntimeSession.FromModel(everyOther, OneThread);
        var y = (HostTensor<float>)full.Run(input)["y"];
        var h = (HostTensor<float>)half.Run(input)["y"];
        long outH = y.Shape[2], outW = y.Shape[3];
        Assert.That(h.Shape.ToArray(), Is.EqualTo(new long[] { 1, 3, (outH + 1) / 2, (outW + 1) / 2 }));
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < h.Shape[2]; i++)
            {
                for (int j = 0; j < h.Shape[3]; j++)
                {
                    Assert.That(h.Data[(((c * h.Shape[2]) + i) * h.Shape[3]) + j], Is.EqualTo(y.Data[(((c * outH) + (2 * i)) * outW) + (2 * j)]).Within(1e-5f));
                }
            }
        }

        Assert.That(ConsumerErrorProbe.Sampled(conv, [1, 2, 8, side]), Is.SameAs(conv), "a side below SampledSide");
        var same = conv.Clone();
        same.Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("SAME_UPPER") });
        Assert.That(ConsumerErrorProbe.Sampled(same, [1, 2, side, side]), Is.SameAs(same), "SAME padding depends on the stride");
        var transposed = conv.Clone();
        transposed.OpType = "ConvTranspose";
        Assert.That(ConsumerErrorProbe.Sampled(transposed, [1, 2, side, side]), Is.SameAs(transposed));
    }

    [Test]
    public void OnlyNamedLayersWithConstantWeightsReadingTheTensorAtTheirDataInputAreProbed()
    {
        var model = new ModelBuilder()
            .Input("x", 1, 4)
            .Input("free", 4, 4)
            .Initializer("w", ModelBuilder.Random(16, 1), 4, 4)
            .Initializer("k", ModelBuilder.Random(16, 2), 4, 4, 1, 1)
            .Initializer("wide", ModelBuilder.Random(4 * 4 * 40, 3), 4, 4, 40, 1)
            .Node("MatMul", "weighted", ["x", "w"], "a")
            .Node("MatMul", "two_activations", ["a", "a"], "b")
            .Node("Gemm", "gemm_fed_weight", ["b", "free"], "c")
            .Node("Gemm", "gemm", ["b", "w"], "d")
            .Node("Gemm", "", ["d", "w"], "unnamed")
            .Node("MatMul", "weight_first", ["w", "d"], "e")
            .Node("Reshape", "to4d", ["e", "shape"], "e4")
            .Node("Conv", "conv", ["e4", "k"], "f")
            .Node("Relu", "relu", ["f"], "g")
            .Node("Conv", "tall_kernel", ["g", "wide"], "h")
            .Output("h")
            .Build();
        var consumers = ConsumerErrorProbe.Find(model, name => name != "a");
        Assert.That(consumers.Select(c => $"{c.Tensor}>{c.Node.Name}"), Is.EqualTo(new[] { "x>weighted", "b>gemm", "e4>conv", "g>tall_kernel" }),
            "not 'a' (not calibrated), not a weight fed as a graph input, not a weight on the left, not an unnamed node");
        Assert.That(ConsumerErrorProbe.ConvolutionInputs(model, consumers), Is.EquivalentTo(new[] { "e4" }),
            "a Conv's input is cropped, unless the kernel spans more than half the cropped side");
        Assert.That(ConsumerErrorProbe.RowInputs(model, consumers), Is.EquivalentTo(new[] { "x", "b" }));
    }

    [Test]
    public void LeadingRowsAreKeptOnlyWhereEveryRowMeetsTheSameWeight()
    {
        var model = new ModelBuilder()
            .Input("a", 300, 4)
            .Input("s", 2, 300, 4)
            .Input("g", 300, 4)
            .Initializer("w", ModelBuilder.Random(16, 1), 4, 4)
            .Initializer("stacked", ModelBuilder.Random(32, 2), 2, 4, 4)
            .Initializer("rows", ModelBuilder.Random(300 * 4, 3), 300, 4)
            .Initializer("column", ModelBuilder.Random(4, 4), 1, 4)
            .Node("MatMul", "matrix_weight", ["a", "w"], "a1")
            .Node("MatMul", "stacked_weight", ["s", "stacked"], "s1")
            .Node("Gemm", "per_row_bias", ["g", "w", "rows"], "g1")
            .Node("Gemm", "broadcast_bias", ["a1", "w", "column"], "a2")
            .Output("s1").Output("g1").Output("a2")
            .Build();
        var consumers = ConsumerErrorProbe.Find(model, _ => true);
        Assert.That(consumers, Has.Count.EqualTo(4));
        Assert.That(ConsumerErrorProbe.RowInputs(model, consumers), Is.EquivalentTo(new[] { "a", "a1" }),
            "not an input meeting a stack of weights (its samples differ), not one whose Gemm adds a different C per row");
    }
}
