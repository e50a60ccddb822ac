using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.Sensitivity;
using TrtSharp.Tensors;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.RealModels;

/// <summary>
/// PP-OCRv4 text detector (DB, opset 11, dynamic batch/height/width, Constant-node weights, Resize and ConvTranspose)
/// on rendered pages. Two task metrics: the text mask (probability ≥ 0.3, PP-OCR's threshold) and its IoU, and the word
/// boxes PP-OCR's post-processing would report (<see cref="DetectedBoxes"/>), paired with FP32's.
/// </summary>
[Category("RealModels")]
public class OcrDetectorTests
{
    private const int Side = 320;
    private SuiteModelSet _suite = null!;
    private List<(HostTensor<float> Image, IReadOnlyList<(int Left, int Top, int Right, int Bottom)> Boxes)> _calibration = null!;
    private List<(HostTensor<float> Image, IReadOnlyList<(int Left, int Top, int Right, int Bottom)> Boxes)> _heldOut = null!;
    private float[][] _fp32 = null!;
    private List<DetectedBox>[] _fp32Boxes = null!;
    // Each placement is quantized once; its tests read the probability maps of the held-out pages.
    private readonly Dictionary<string, float[][]> _int8 = [];

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
        _fp32 = [.. _heldOut.Select(p => Probability(fp32, p.Image))];
        _fp32Boxes = [.. _heldOut.Zip(_fp32, (p, map) => DetectedBoxes.Find(map, (int)p.Image.Shape[3]))];
    }

    [Test]
    public void Fp32FindsEveryRenderedWordAndLittleElse()
    {
        var coverage = new List<double>();
        var precision = new List<double>();
        var reportedOnWord = new List<int>();
        foreach (var ((image, boxes), map, found) in _heldOut.Zip(_fp32, _fp32Boxes))
        {
            int width = (int)image.Shape[3];
            bool[] mask = Mask(map);
            coverage.AddRange(boxes.Select(b => Count(mask, width, b) / (double)((b.Right - b.Left) * (b.Bottom - b.Top))));
            // DB marks each word's region shrunk a little; anything outside the boxes (with a 3-pixel margin) is a false detection.
            int inside = boxes.Sum(b => Count(mask, width, (b.Left - 3, b.Top - 3, b.Right + 3, b.Bottom + 3)));
            precision.Add(inside / (double)Math.Max(1, mask.Count(m => m)));
            reportedOnWord.AddRange(boxes.Select(b => found.Count(f => f.Corners.Average(c => c.X) is var x && x >= b.Left && x <= b.Right
                && f.Corners.Average(c => c.Y) is var y && y >= b.Top && y <= b.Bottom)));
        }
        int reported = _fp32Boxes.Sum(b => b.Count);
        TestContext.Progress.WriteLine($"ocr-det FP32: word box coverage min {coverage.Min():0.000} mean {coverage.Average():0.000} over {coverage.Count} words; " +
            $"{reported} boxes reported; mask pixels inside the boxes {string.Join(", ", precision.Select(v => v.ToString("0.000")))}");
        Assert.That(coverage, Is.All.GreaterThan(0.25), "every word is found");
        Assert.That(precision, Is.All.GreaterThan(0.95), "nothing but words is found");
        // So pairing INT8's reported boxes with FP32's compares word detections: one box centred on each word, none elsewhere.
        Assert.That(reportedOnWord, Is.All.EqualTo(1), "one reported box centred on each word's box");
        Assert.That(reported, Is.EqualTo(coverage.Count), "no reported box outside the words");
    }

    [TestCase("trt")]
    [TestCase("ort-cpu")]
    public void DefaultQuantizationKeepsTheMask(string placement) =>
        Assert.That(Iou(Int8(placement), placement), Is.GreaterThanOrEqualTo(0.95));

    /// <summary>
    /// The detector's output as an OCR pipeline uses it: the boxes reported on each held-out page, paired one to one with
    /// FP32's at box IoU ≥ 0.5. Within 1 point of FP32 means at most 1 % of FP32's boxes unpaired, and as few extra.
    /// </summary>
    [TestCase("trt")]
    [TestCase("ort-cpu")]
    public void DefaultQuantizationReportsTheBoxesFp32Reports(string placement)
    {
        var pairs = new List<double>();
        int reported = 0;
        foreach (var (page, map, reference) in _heldOut.Zip(Int8(placement), _fp32Boxes))
        {
            var found = DetectedBoxes.Find(map, (int)page.Image.Shape[3]);
            reported += found.Count;
            pairs.AddRange(DetectedBoxes.Pair(reference, found));
        }
        int expected = _fp32Boxes.Sum(b => b.Count);
        pairs.Sort();
        TestContext.Progress.WriteLine($"ocr-det [{placement}]: {pairs.Count} of FP32's {expected} boxes paired, {reported} reported" + (pairs.Count == 0 ? "" :
            $"; box IoU of the pairs min {pairs[0]:0.000}, 5th percentile {pairs[pairs.Count / 20]:0.000}, median {pairs[pairs.Count / 2]:0.000}"));
        Assert.That(pairs.Count, Is.GreaterThanOrEqualTo(0.99 * expected), "FP32's boxes found");
        Assert.That(reported - pairs.Count, Is.LessThanOrEqualTo(0.01 * expected), "boxes FP32 does not report");
    }

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
        Assert.That(Iou([.. _heldOut.Select(p => Probability(reduced, p.Image))], target), Is.GreaterThanOrEqualTo(required));
    }

    private InMemoryDataset CalibrationPages() => new($"{_calibration.Count} rendered {Side}x{Side} pages",
        [.. _calibration.Select(p => (IReadOnlyDictionary<string, HostTensor>)new Dictionary<string, HostTensor> { ["x"] = p.Image })]);

    private float[][] Int8(string placement)
    {
        if (!_int8.TryGetValue(placement, out var maps))
        {
            using OnnxRuntimeSession int8 = SuiteQuantization.Quantize(_suite.TextDetector, CalibrationPages(), placement);
            _int8[placement] = maps = [.. _heldOut.Select(p => Probability(int8, p.Image))];
        }
        return maps;
    }

    /// <summary>Mask IoU against FP32, pooled over the held-out pages.</summary>
    private double Iou(float[][] maps, string label)
    {
        long both = 0, either = 0;
        foreach (var (map, reference) in maps.Zip(_fp32))
        {
            for (int i = 0; i < map.Length; i++)
            {
                bool a = map[i] >= DetectedBoxes.Threshold, b = reference[i] >= DetectedBoxes.Threshold;
                both += a && b ? 1 : 0;
                either += a || b ? 1 : 0;
            }
        }
        double iou = (double)both / either;
        TestContext.Progress.WriteLine($"ocr-det [{label}]: pooled mask IoU vs FP32 {iou:0.0000} over {_heldOut.Count} held-out pages");
        return iou;
    }

    private static float[] Probability(OnnxRuntimeSession session, HostTensor<float> image)
    {
        var map = (HostTensor<float>)session.Run(new Dictionary<string, HostTensor> { ["x"] = image }).Values.Single();
        Assert.That(map.ShapeArray(), Is.EqualTo(new long[] { 1, 1, image.Shape[2], image.Shape[3] }));
        return map.Data;
    }

    private static bool[] Mask(float[] probability) => [.. probability.Select(p => p >= DetectedBoxes.Threshold)];

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
