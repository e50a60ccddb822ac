using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.Sensitivity;
using TrtSharp.Tensors;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.RealModels;

/// <summary>
/// PP-OCRv4 text detector (DB, opset 11, dynamic batch/height/width, Constant-node weights, Resize and ConvTranspose)
/// on rendered pages: the task metric is the text mask (probability ≥ 0.3, PP-OCR's threshold) and its IoU.
/// </summary>
[Category("RealModels")]
public class OcrDetectorTests
{
    private const float Threshold = 0.3f;
    private const int Side = 320;
    private SuiteModelSet _suite = null!;
    private List<(HostTensor<float> Image, IReadOnlyList<(int Left, int Top, int Right, int Bottom)> Boxes)> _calibration = null!;
    private List<(HostTensor<float> Image, IReadOnlyList<(int Left, int Top, int Right, int Bottom)> Boxes)> _heldOut = null!;
    private bool[][] _fp32 = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _suite = InstalledSuiteModels.Require();
        InstalledSuiteModels.RequireFonts();
        _calibration = [.. Enumerable.Range(0, 8).Select(i => TextImages.Page(i, Side, Side, 5))];
        // One held-out page has another size and aspect: the spatial dimensions are dynamic.
        _heldOut = [.. Enumerable.Range(100, 5).Select(i => TextImages.Page(i, Side, Side, 5)).Append(TextImages.Page(200, 448, 224, 4))
            .Concat(Enumerable.Range(300, 40).Select(i => TextImages.Page(i, Side, Side, 5)))];
        using OnnxRuntimeSession fp32 = SuiteQuantization.OpenFp32(_suite.TextDetector);
        _fp32 = [.. _heldOut.Select(p => Mask(fp32, p.Image))];
    }

    [Test]
    public void Fp32FindsEveryRenderedWordAndLittleElse()
    {
        var coverage = new List<double>();
        var precision = new List<double>();
        foreach (var ((image, boxes), mask) in _heldOut.Zip(_fp32))
        {
            int width = (int)image.Shape[3];
            coverage.AddRange(boxes.Select(b => Count(mask, width, b) / (double)((b.Right - b.Left) * (b.Bottom - b.Top))));
            // DB marks each word's region shrunk a little; anything outside the boxes (with a 3-pixel margin) is a false detection.
            int inside = boxes.Sum(b => Count(mask, width, (b.Left - 3, b.Top - 3, b.Right + 3, b.Bottom + 3)));
            precision.Add(inside / (double)Math.Max(1, mask.Count(m => m)));
        }
        TestContext.Progress.WriteLine($"ocr-det FP32: word box coverage min {coverage.Min():0.000} mean {coverage.Average():0.000} over {coverage.Count} words; " +
            $"mask pixels inside the boxes {string.Join(", ", precision.Select(v => v.ToString("0.000")))}");
        Assert.That(coverage, Is.All.GreaterThan(0.25), "every word is found");
        Assert.That(precision, Is.All.GreaterThan(0.95), "nothing but words is found");
    }

    [TestCase("trt")]
    [TestCase("ort-cpu")]
    public void DefaultQuantizationKeepsTheMask(string placement) =>
        Assert.That(QuantizedIou(placement), Is.GreaterThanOrEqualTo(0.95));

    /// <summary>Guards today's level until the target above holds: a collapsed range (issue 9's entropy failure) falls far below it.</summary>
    [TestCase("trt")]
    [TestCase("ort-cpu")]
    public void DefaultQuantizationStaysNearFp32(string placement) =>
        Assert.That(QuantizedIou(placement), Is.GreaterThanOrEqualTo(0.90));

    /// <summary>
    /// Sensitivity and the target search keep layers float without recalibrating. On the ONNX Runtime CPU placement this
    /// model's convolutions have their affine folded in; keeping one float used to undo its fold and ask for a range of
    /// the convolution's own output, which was never calibrated ("Q/DQ is needed here but the calibration table has no
    /// range"). Every convolution is kept float alone here, as a sensitivity walk does, and the first one is also run.
    /// </summary>
    [Test]
    public void OrtCpuTrialsKeepEachConvolutionFloatWithTheCalibratedRanges()
    {
        var model = TrtSharp.Onnx.OnnxModel.LoadNormalized(_suite.TextDetector);
        var options = new QuantizeOptions { Method = CalibrationMethod.Max, Qdq = new QdqOptions { Profile = QdqProfile.OrtCpu } };
        var quantized = ModelQuantizer.Quantize(model, CalibrationPages(), options, SuiteQuantization.Options);
        var heldOut = new InMemoryDataset("1 held-out page", [new Dictionary<string, HostTensor> { ["x"] = _heldOut[0].Image }]);
        using var trials = new Int8Trials(model, quantized, options, heldOut, SuiteQuantization.Options);
        var convolutions = trials.Layers.Where(l => l.OpType == "Conv").Select(l => l.Name).ToList();

        foreach (string conv in convolutions)
        {
            Assert.That(trials.Build([conv]).Qdq.FindNode(conv)!.Status, Is.EqualTo(NodeStatus.Excluded), conv);
        }
        var agreement = trials.Evaluate([convolutions[0]], CancellationToken.None);

        TestContext.Progress.WriteLine($"ocr-det [ort-cpu]: {convolutions.Count} convolutions kept float one at a time; {convolutions[0]} float: cosine {agreement.Min(a => a.Cosine):0.0000}");
        Assert.That(convolutions, Has.Count.GreaterThan(50));
        Assert.That(agreement.Min(a => a.Cosine), Is.GreaterThan(0.9));
    }

    [TestCase("fp16", 0.99)]
    [TestCase("bf16", 0.95)]
    public void AutoCastKeepsTheMask(string target, double required)
    {
        using OnnxRuntimeSession reduced = SuiteQuantization.AutoCast(_suite.TextDetector, CalibrationPages(), target);
        Assert.That(Iou(reduced, target), Is.GreaterThanOrEqualTo(required));
    }

    private InMemoryDataset CalibrationPages() => new($"{_calibration.Count} rendered {Side}x{Side} pages",
        [.. _calibration.Select(p => (IReadOnlyDictionary<string, HostTensor>)new Dictionary<string, HostTensor> { ["x"] = p.Image })]);

    private double QuantizedIou(string placement)
    {
        using OnnxRuntimeSession int8 = SuiteQuantization.Quantize(_suite.TextDetector, CalibrationPages(), placement);
        return Iou(int8, placement);
    }

    /// <summary>Mask IoU against FP32, pooled over the held-out pages.</summary>
    private double Iou(OnnxRuntimeSession int8, string label)
    {
        long both = 0, either = 0;
        foreach (var (page, reference) in _heldOut.Zip(_fp32))
        {
            bool[] mask = Mask(int8, page.Image);
            both += mask.Zip(reference).Count(p => p.First && p.Second);
            either += mask.Zip(reference).Count(p => p.First || p.Second);
        }
        double iou = (double)both / either;
        TestContext.Progress.WriteLine($"ocr-det [{label}]: pooled mask IoU vs FP32 {iou:0.0000} over {_heldOut.Count} held-out pages");
        return iou;
    }

    private static bool[] Mask(OnnxRuntimeSession session, HostTensor<float> image)
    {
        var map = (HostTensor<float>)session.Run(new Dictionary<string, HostTensor> { ["x"] = image }).Values.Single();
        Assert.That(map.ShapeArray(), Is.EqualTo(new long[] { 1, 1, image.Shape[2], image.Shape[3] }));
        return [.. map.Data.Select(p => p >= Threshold)];
    }

    private static int Count(bool[] mask, int width, (int Left, int Top, int Right, int Bottom) box)
    {
        int height = mask.Length / width, count = 0;
        for (int y = Math.Max(0, box.Top); y < Math.Min(height, box.Bottom); y++)
        {
            for (int x = Math.Max(0, box.Left); x < Math.Min(width, box.Right); x++)
            {
                count += mask[y * width + x] ? 1 : 0;
            }
        }
        return count;
    }
}
