using System.Diagnostics;
using TrtSharp.Onnx;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Quantization.Precision.AutoCast;
using TrtSharp.Quantization.Precision.Sensitivity;

namespace TrtSharp.Tests.Quantization.Precision.Sensitivity;

[TestFixture]
public class SensitivityAnalyzerTests
{
    private OutlierChainFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new OutlierChainFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    private static readonly QuantizeOptions MaxRanges = new() { Method = CalibrationMethod.Max };

    [Test]
    public void TheLayerThatBreaksInt8RanksFirst()
    {
        var clock = Stopwatch.StartNew();
        SensitivityReport report = SensitivityAnalyzer.Int8(OnnxModel.LoadNormalized(_f.ModelPath), _f.Calibration(), _f.Holdout(), MaxRanges);
        TestContext.Out.WriteLine($"int8 sensitivity of {OutlierChainFixture.Layers} layers: {clock.Elapsed.TotalSeconds:0.00} s ({report.Walk}); top: "
            + string.Join(", ", report.Ranked.Take(4).Select(r => $"{r.Label} {r.Cosine:0.000000}")));
        Assert.Multiple(() =>
        {
            Assert.That(report.LayerCount, Is.EqualTo(OutlierChainFixture.Layers), "every MatMul is quantizable");
            Assert.That(report.Ranked, Has.Count.EqualTo(OutlierChainFixture.Layers));
            Assert.That(report.Ranked[0].Layers, Is.EqualTo(new[] { OutlierChainFixture.Culprit }));
            Assert.That(report.Ranked[0].Cosine, Is.LessThan(0.9), "quantizing the culprit alone ruins the output");
            Assert.That(report.Ranked[1].Cosine, Is.GreaterThan(0.99), "any other layer alone costs only rounding");
            Assert.That(report.Ranked.Select(r => r.Cosine), Is.Ordered, "most sensitive first");
            Assert.That(report.AllReduced.Min(a => a.Cosine), Is.LessThan(0.9));
        });
    }

    [Test]
    public void PartitionsNameTheCulpritsPartition()
    {
        var report = SensitivityAnalyzer.Int8(OnnxModel.LoadNormalized(_f.ModelPath), _f.Calibration(), _f.Holdout(), MaxRanges, new SensitivityOptions { PartitionSize = 4 });
        Assert.Multiple(() =>
        {
            Assert.That(report.Ranked, Has.Count.EqualTo(OutlierChainFixture.Layers / 4));
            Assert.That(report.Ranked[0].Layers, Does.Contain(OutlierChainFixture.Culprit).And.Count.EqualTo(4));
            Assert.That(report.Walk, Does.Contain("partitions of 4 consecutive layers"));
        });
    }

    [Test]
    public void TheTargetSearchExcludesExactlyTheCulpritWithinFivePercent()
    {
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        QuantizeResult quantized = ModelQuantizer.Quantize(model, _f.Calibration(), MaxRanges);
        var target = new AgreementTarget(0.99, null);
        var search = ExclusionSearch.ForQuantization(model, quantized, MaxRanges, _f.Holdout(), target);
        TestContext.Out.WriteLine(search.Summary);
        Assert.Multiple(() =>
        {
            Assert.That(search.Budget, Is.EqualTo(1), "5% of 24 quantizable layers, rounded down, at least 1");
            Assert.That(search.Reached, Is.True);
            Assert.That(search.KeptInFloat, Is.EqualTo(new[] { OutlierChainFixture.Culprit }));
            Assert.That(target.IsMet(search.Agreement), Is.True);
            Assert.That(search.Final.Qdq.FindNode(OutlierChainFixture.Culprit)!.Status, Is.EqualTo(NodeStatus.Excluded));
            Assert.That(search.Final.Qdq.Nodes.Count(n => n.Status == NodeStatus.Quantized), Is.EqualTo(OutlierChainFixture.Layers - 1));
            Assert.That(search.Trials.Select(t => t.KeptInFloat), Is.EqualTo(new[] { 0, 1 }));
        });
    }

    [Test]
    public void ABudgetTooSmallIsReportedNotReached()
    {
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        QuantizeResult quantized = ModelQuantizer.Quantize(model, _f.Calibration(), MaxRanges);
        var search = ExclusionSearch.ForQuantization(model, quantized, MaxRanges, _f.Holdout(), new AgreementTarget(0.99, null), maxExcluded: 0);
        Assert.That(search.Reached, Is.False);
        Assert.That(search.KeptInFloat, Is.Empty);
    }

    [Test]
    public void Fp16SensitivityCoversEveryConvertedNodeAndStaysClose()
    {
        var report = SensitivityAnalyzer.ReducedFloat(OnnxModel.Load(_f.ModelPath), new AutoCastOptions(), _f.Calibration(), _f.Holdout());
        Assert.Multiple(() =>
        {
            Assert.That(report.Precision, Is.EqualTo("fp16"));
            Assert.That(report.LayerCount, Is.EqualTo(OutlierChainFixture.Layers));
            Assert.That(report.Ranked.Select(r => r.Cosine), Is.All.GreaterThan(0.9999), "FP16 rounding of one MatMul costs little");
            Assert.That(report.Ranked.Select(r => r.Cosine), Is.All.LessThan(1.0), "yet each trial does round something");
        });
    }

    [Test]
    public void BadOptionsFailEarly()
    {
        Assert.Throws<ArgumentException>(() => new SensitivityOptions { PartitionSize = 0 }.Validate());
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        QuantizeResult quantized = ModelQuantizer.Quantize(model, _f.Calibration(), MaxRanges);
        Assert.Throws<ArgumentException>(() => ExclusionSearch.ForQuantization(model, quantized, MaxRanges, _f.Holdout(), new AgreementTarget(null, null)));
        Assert.Throws<ArgumentException>(() => ExclusionSearch.ForQuantization(model, quantized, MaxRanges, _f.Holdout(), new AgreementTarget(0.9, null), maxExcluded: -1));
    }
}
