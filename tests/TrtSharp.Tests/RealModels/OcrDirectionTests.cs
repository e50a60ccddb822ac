using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.RealModels;

/// <summary>
/// PP-OCR mobile v2.0 text direction classifier (opset 9, Constant-node weights) on rendered lines, every other one
/// upside down: the task metric is the argmax (0° or 180°).
/// </summary>
[Category("RealModels")]
public class OcrDirectionTests
{
    private const int Width = 192;
    private SuiteModelSet _suite = null!;
    private List<IReadOnlyDictionary<string, HostTensor>> _lines = null!;
    private int[] _truth = null!;
    private int[] _fp32 = null!;

    private int Split => TextImages.Phrases.Length / 2;

    [OneTimeSetUp]
    public void SetUp()
    {
        _suite = InstalledSuiteModels.Require();
        InstalledSuiteModels.RequireFonts();
        _truth = [.. TextImages.Phrases.Select((_, i) => i % 2)];
        _lines = [.. TextImages.Phrases.Select((p, i) => (IReadOnlyDictionary<string, HostTensor>)new Dictionary<string, HostTensor> { ["x"] = TextImages.Line(p, i, Width, upsideDown: _truth[i] == 1) })];
        using OnnxRuntimeSession fp32 = SuiteQuantization.OpenFp32(_suite.TextDirectionClassifier);
        _fp32 = Classify(fp32, _lines);
    }

    [Test]
    public void Fp32TellsUprightFromUpsideDown()
    {
        int right = _truth.Zip(_fp32).Count(p => p.First == p.Second);
        TestContext.Progress.WriteLine($"ocr-cls FP32: {right}/{_truth.Length} directions right");
        Assert.That(right, Is.GreaterThanOrEqualTo(_truth.Length - 2));
    }

    [TestCase("trt")]
    [TestCase("ort-cpu")]
    public void DefaultQuantizationKeepsEveryArgmax(string placement)
    {
        using OnnxRuntimeSession int8 = SuiteQuantization.Quantize(_suite.TextDirectionClassifier, new InMemoryDataset($"{Split} rendered lines", _lines[..Split]), placement);
        int[] heldOut = Classify(int8, _lines[Split..]);
        double same = SuiteQuantization.Report("ocr-cls argmax", placement, _fp32[Split..], heldOut, (a, b) => a == b);
        Assert.That(same, Is.EqualTo(1.0));
    }

    private static int[] Classify(OnnxRuntimeSession session, IEnumerable<IReadOnlyDictionary<string, HostTensor>> lines) =>
        [.. lines.Select(line =>
        {
            float[] p = ((HostTensor<float>)session.Run(line).Values.Single()).Data;
            return p[1] > p[0] ? 1 : 0;
        })];
}
