using Google.Protobuf;
using TrtSharp.Datasets;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Quantization.Pipeline;

[TestFixture]
public class QuantizePipelineTests
{
    private QuantizationFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new QuantizationFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    private IReadOnlyList<TensorDescriptor> Inputs()
    {
        using var s = OnnxRuntimeSession.FromFile(_f.ModelPath);
        return s.Inputs;
    }

    [Test]
    public void CalibrationSeesTheInputsExactlyAndEveryActivation()
    {
        var stats = ActivationCalibrator.Collect(_f.ModelPath, new TensorFileDataset([_f.CalibrationDir], Inputs()));
        var x = stats.Single(s => s.TensorName == "x");
        Assert.That((x.Min, x.Max), Is.EqualTo(_f.CalibrationRange));
        Assert.That(x.Count, Is.EqualTo(6 * 4 * 64));
        var r = stats.Single(s => s.TensorName == "r");
        Assert.That(r.Min, Is.EqualTo(0f), "a ReLU output");
        Assert.That(r.Count, Is.EqualTo(6 * 4 * 4 * 64));
        Assert.That(stats.Select(s => s.TensorName), Is.EquivalentTo(new[] { "x", "c", "r", "y" }));
    }

    [TestCase(QdqProfile.TensorRt)]
    [TestCase(QdqProfile.OrtCpu)]
    public void CalibratingOnlyTheQdqTensorsGivesTheSameModelAsCalibratingEveryTensor(QdqProfile profile)
    {
        var data = new TensorFileDataset([_f.CalibrationDir], Inputs());
        var options = new QuantizeOptions { Qdq = new QdqOptions { Profile = profile } };
        var planned = ModelQuantizer.Quantize(_f.ModelPath, data, options);
        var everything = ModelQuantizer.Quantize(_f.ModelPath, data, options with { CalibrateAllTensors = true });
        Assert.That(everything.Ranges, Has.Count.EqualTo(4));
        Assert.That(planned.Ranges.Count, Is.LessThan(everything.Ranges.Count), "only the tensors the placement quantizes are calibrated");
        Assert.That(planned.Selection!.Chosen.Name, Is.EqualTo(everything.Selection!.Chosen.Name));
        var amax = everything.Ranges.ToDictionary(r => r.Name, r => r.Amax);
        Assert.That(planned.Ranges.Select(r => (r.Name, r.Amax)), Is.EqualTo(planned.Ranges.Select(r => (r.Name, amax[r.Name]))));
        Assert.That(planned.Model.Proto.ToByteArray(), Is.EqualTo(everything.Model.Proto.ToByteArray()), "the same Q/DQ model either way");
    }

    [Test]
    public void NaNInTheDataNamesTensorAndSample()
    {
        var values = new float[4 * 64];
        values[70] = float.NaN; // sample 1 of the batch (64 values per sample)
        NpyFile.Write(Path.Combine(_f.CalibrationDir, "zz_bad.npy"), new HostTensor<float>([4, 1, 8, 8], values));
        var ex = Assert.Throws<CalibrationException>(() => ActivationCalibrator.Collect(_f.ModelPath, new TensorFileDataset([_f.CalibrationDir], Inputs())));
        Assert.That(ex!.Message, Does.Contain("'x'").And.Contain("NaN"));
    }

    [Test]
    public void QuantizedModelRunsCloseToFp32AndTheCacheHoldsTheScales()
    {
        var result = ModelQuantizer.Quantize(_f.ModelPath, new TensorFileDataset([_f.CalibrationDir], Inputs()), new QuantizeOptions { Method = CalibrationMethod.Max });
        string qdq = Path.Combine(_f.Directory, "net.int8.qdq.onnx");
        result.Model.Save(qdq);
        Assert.That(result.Model.Graph.Nodes.Count(n => n.OpType == "QuantizeLinear"), Is.EqualTo(2), "activations x and r");

        using var fp32 = OnnxRuntimeSession.FromFile(_f.ModelPath);
        using var int8 = OnnxRuntimeSession.FromFile(qdq);
        var agreement = QuantizationValidation.Compare(fp32, int8, new TensorFileDataset([_f.HoldoutDir], fp32.Inputs));
        Assert.That(agreement.Single().Cosine, Is.GreaterThan(0.99));
        Assert.That(agreement.Single().Count, Is.EqualTo(3 * 4 * 2 * 64));

        float amaxX = Math.Max(-_f.CalibrationRange.Min, _f.CalibrationRange.Max);
        Assert.That(result.Cache.Scales["x"], Is.EqualTo(amaxX / 127f));
        string cachePath = Path.Combine(_f.Directory, "net.calib.cache");
        result.Cache.Write(cachePath);
        Assert.That(File.ReadAllLines(cachePath)[0], Is.EqualTo("TRT-101601-MinMaxCalibration"));

        var again = ModelQuantizer.FromCache(_f.ModelPath, CalibrationCache.Read(cachePath), new QuantizeOptions { Method = CalibrationMethod.Max });
        Assert.That(again.Qdq.Tensors.Select(t => t.Name), Is.EqualTo(result.Qdq.Tensors.Select(t => t.Name)));
        Assert.That(again.Model.Proto.Graph.Initializer.Where(i => i.Name.EndsWith("_scale", StringComparison.Ordinal)).Select(i => i.RawData.ToBase64()),
            Is.EqualTo(result.Model.Proto.Graph.Initializer.Where(i => i.Name.EndsWith("_scale", StringComparison.Ordinal)).Select(i => i.RawData.ToBase64())));
    }

    [Test]
    public void ModelsWithExternalWeightsQuantize()
    {
        string external = Path.Combine(_f.Directory, "ext", "net.onnx");
        OnnxModel.Load(_f.ModelPath).Save(external, new OnnxSaveOptions { UseExternalData = true, ExternalDataThreshold = 16 });
        Assert.That(OnnxModel.Load(external).Graph.Initializers.Any(i => i.IsExternal), Is.True);
        var result = ModelQuantizer.Quantize(external, new TensorFileDataset([_f.CalibrationDir], Inputs()), new QuantizeOptions { Method = CalibrationMethod.Max });
        Assert.That(result.Model.Graph.Nodes.Count(n => n.OpType == "DequantizeLinear"), Is.GreaterThan(0));
    }

    [Test]
    public void ACacheThatWasReadIsKeptAsItWas()
    {
        string cachePath = Path.Combine(_f.Directory, "old.cache");
        File.WriteAllText(cachePath, "TRT-100300-MinMaxCalibration\nx: 3c010a14\nr: 3d4ccccd\nc: 3e000000\n");
        var cache = CalibrationCache.Read(cachePath);
        var result = ModelQuantizer.FromCache(_f.ModelPath, cache);
        Assert.That(result.Cache.ToText(), Is.EqualTo(File.ReadAllText(cachePath)));
    }

    [Test]
    public void OrtCpuRangesStayOrderedWhenAmaxIsBelowAnAllPositiveMinimum()
    {
        var stats = ActivationCalibrator.Collect(_f.ModelPath, new TensorFileDataset([_f.CalibrationDir], Inputs()));
        // Pretend every tensor is positive with amax under its minimum: clamping must keep min <= max.
        var odd = stats.Select(s => new TensorStatistics(s.TensorName, s.Count, 5f, 6f, s.Histogram)).ToList();
        Assert.DoesNotThrow(() => ModelQuantizer.FromStatistics(_f.ModelPath, odd,
            new QuantizeOptions { Method = CalibrationMethod.Percentile, Qdq = new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false } }));
    }

    [Test]
    public void SaturationCountsTheBinsAboveTheThreshold()
    {
        long[] counts = new long[2048];
        counts[10] = 90;
        counts[2000] = 10;
        var h = new Histogram(counts, 2048f, 2001f);
        Assert.That(TensorRangeReport.Saturation(h, 1000f), Is.EqualTo(10.0));
        Assert.That(TensorRangeReport.Saturation(h, 2048f), Is.EqualTo(0.0));
    }

    [Test]
    public void BadDatasetsAreRefusedWithTheFile()
    {
        var inputs = Inputs();
        string empty = Path.Combine(_f.Directory, "empty");
        Directory.CreateDirectory(empty);
        Assert.That(Assert.Throws<ModelFormatException>(() => _ = new TensorFileDataset([empty], inputs))!.Message, Does.Contain("empty"));
        Assert.Throws<ModelFormatException>(() => _ = new TensorFileDataset([Path.Combine(_f.Directory, "nowhere")], inputs));

        string ints = Path.Combine(_f.Directory, "ints.npy");
        NpyFile.Write(ints, new HostTensor<long>([1, 1, 8, 8], new long[64]));
        var ex = Assert.Throws<ModelFormatException>(() => new TensorFileDataset([ints], inputs).Batches().ToList());
        Assert.That(ex!.Message, Does.Contain(ints).And.Contain("int64"));

        string wrongShape = Path.Combine(_f.Directory, "shape.npy");
        NpyFile.Write(wrongShape, new HostTensor<float>([1, 1, 7, 8], new float[56]));
        Assert.That(Assert.Throws<ModelFormatException>(() => new TensorFileDataset([wrongShape], inputs).Batches().ToList())!.Message, Does.Contain("does not fit"));

        string npz = Path.Combine(_f.Directory, "other.npz");
        // An archive's arrays are matched by key (a lone array feeds a one-input model whatever its key).
        NpzFile.Write(npz, new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([1, 1, 8, 8], new float[64]), ["z"] = new HostTensor<float>([1, 1, 8, 8], new float[64]) });
        Assert.That(Assert.Throws<ModelFormatException>(() => new TensorFileDataset([npz], inputs).Batches().ToList())!.Message, Does.Contain("'z' is not a model input"));
    }

    [Test]
    public void AnEmptyDatasetIsAnError()
    {
        var ex = Assert.Throws<CalibrationException>(() => ActivationCalibrator.Collect(_f.ModelPath, new EmptyDataset()));
        Assert.That(ex!.Message, Does.Contain("empty"));
    }

    private sealed class EmptyDataset : ICalibrationDataset
    {
        public string Description => "nothing";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) => [];
    }
}
