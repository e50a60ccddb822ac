using System.Text.Json;
using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tests.Quantization.Pipeline;
using static TrtSharp.Tests.Onnx.Normalization.OldOpsetModels;
using static TrtSharp.Tests.Quantization.Precision.ModelBuilder;

namespace TrtSharp.Tests.Cli;

/// <summary>Normalization as the commands show it: inspect reports it, quantize runs it first and refuses before reading data.</summary>
[TestFixture]
public class NormalizationCliTests
{
    private QuantizationFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new QuantizationFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    private static NodeProto Weight(string name, float[] values, params long[] dims) => new()
    {
        OpType = "Constant", Name = "const_" + name, Output = { name },
        Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = FloatTensor("", values, dims) } },
    };

    // The fixture's conv net as an opset-9 exporter writes it: weights in Constant nodes, Clip bounds as attributes.
    private void WriteOldOpsetModel()
    {
        var model = Model(9, [("x", [-1, 1, 8, 8])], ["y"],
            Weight("w1", Random(4 * 9, 1), 4, 1, 3, 3),
            Weight("b1", Random(4, 2, 0.1f), 4),
            Weight("w2", Random(2 * 4 * 9, 3), 2, 4, 3, 3),
            Node("Conv", ["x", "w1", "b1"], ["c"], Ints("pads", 1, 1, 1, 1)),
            Node("Clip", ["c"], ["r"], Float("min", 0f), Float("max", 6f)),
            Node("Conv", ["r", "w2"], ["y"], Ints("pads", 1, 1, 1, 1)));
        File.WriteAllBytes(_f.ModelPath, model.ToByteArray());
    }

    [Test]
    public void InspectShowsWhatNormalizationDoes()
    {
        WriteOldOpsetModel();
        var run = CliRun.Of("inspect", _f.ModelPath);
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("normalization: opset 9 -> 13 (1 nodes converted), 3 Constant nodes -> initializers"));

        var json = CliRun.Of("inspect", _f.ModelPath, "--json", "-");
        json.AssertExit(0);
        var normalization = JsonDocument.Parse(json.Out).RootElement.GetProperty("normalization");
        Assert.That(normalization.GetProperty("constants_hoisted").GetInt32(), Is.EqualTo(3));
        Assert.That(normalization.GetProperty("original_opset").GetInt64(), Is.EqualTo(9));
        Assert.That(normalization.GetProperty("opset").GetInt64(), Is.EqualTo(13));
        Assert.That(normalization.GetProperty("initializer_bytes").GetInt64(), Is.EqualTo(((36 + 4 + 72) * 4) + 8), "the three weights plus Clip's two float bounds");
    }

    [Test]
    public void QuantizeCalibratesOnlyTheTensorsThatGetQdqByDefault()
    {
        WriteOldOpsetModel();
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--method", "max");
        run.AssertExit(0);
        string report = File.ReadAllText(Path.Combine(_f.Directory, "net.int8.qdq.onnx.report", "report.json"));
        var tensors = JsonDocument.Parse(report).RootElement.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.That(tensors, Is.EquivalentTo(new[] { "x", "r" }), "the convolutions' activation inputs; the Conv output c and the graph output y get no Q/DQ");
        var cached = File.ReadAllLines(Path.Combine(_f.Directory, "net.calib.cache")).Skip(1).Select(l => l.Split(':')[0]);
        Assert.That(cached, Is.EquivalentTo(new[] { "x", "r" }));
    }

    [Test]
    public void QuantizeConvertsAnOldOpsetModelAndCalibratesNoWeights()
    {
        WriteOldOpsetModel();
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--holdout", _f.HoldoutDir, "--method", "max", "--target-cosine", "0.99", "--calibrate-all");
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("normalized: opset 9 -> 13").And.Contain("PASSED"));
        string report = File.ReadAllText(Path.Combine(_f.Directory, "net.int8.qdq.onnx.report", "report.json"));
        var tensors = JsonDocument.Parse(report).RootElement.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.That(tensors, Is.EquivalentTo(new[] { "x", "c", "r", "y" }), "weights that were Constant nodes are not activations");
        var summary = File.ReadAllText(Path.Combine(_f.Directory, "net.int8.qdq.onnx.report", "summary.txt"));
        Assert.That(summary, Does.Contain("opset 9 -> 13"));
    }

    [Test]
    public void QuantizeOfACurrentModelDoesNotClaimAnOpsetChange()
    {
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", _f.CalibrationDir, "--method", "max");
        run.AssertExit(0);
        var summary = File.ReadAllText(Path.Combine(_f.Directory, "net.int8.qdq.onnx.report", "summary.txt"));
        Assert.That(summary, Does.Contain("placement, opset 13)").And.Not.Contain("13 -> 13"));
        Assert.That(run.Out, Does.Not.Contain("normalized:"));
    }

    [Test]
    public void QuantizeRefusesAnInconvertibleNodeBeforeReadingAnyData()
    {
        var model = Model(7, [("x", [2, 3])], ["y"], Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], Int("spatial", 0)));
        foreach (string n in new[] { "s", "b", "m", "v" })
        {
            model.Graph.Initializer.Add(FloatTensor(n, [1, 1, 1], 3));
        }
        File.WriteAllBytes(_f.ModelPath, model.ToByteArray());
        // The data folder does not exist: reaching it would be a different error.
        var run = CliRun.Of("quantize", _f.ModelPath, "--data", Path.Combine(_f.Directory, "no-such-data"));
        run.AssertOneLineError("node 'batchnormalization_y' (BatchNormalization) cannot be converted from opset 7 to 13");
        Assert.That(File.Exists(Path.Combine(_f.Directory, "net.calib.cache")), Is.False);
    }

    [Test]
    public void RunOpensAnOpsetSixModelOnnxRuntimeNoLongerRunsAsShipped()
    {
        // Gemm-6 has no kernel in ONNX Runtime 1.31; normalized to opset 13 it runs and matches the exporter's output.
        const string Mm = "/usr/share/libonnx-testdata/data/pytorch-operator/test_operator_mm";
        if (!Directory.Exists(Mm))
        {
            Assert.Ignore("libonnx-testdata is not installed");
        }
        string outDir = Path.Combine(_f.Directory, "out");
        var run = CliRun.Of("run", $"{Mm}/model.onnx", "--data", $"{Mm}/test_data_set_0", "--output-dir", outDir);
        run.AssertExit(0);
        var saved = (TrtSharp.Tensors.HostTensor<float>)TrtSharp.Onnx.Numpy.NpyFile.Read(Directory.GetFiles(outDir, "*.npy").Single());
        var expected = (TrtSharp.Tensors.HostTensor<float>)TrtSharp.Onnx.TensorProtoFile.Read($"{Mm}/test_data_set_0/output_0.pb").Tensor;
        Assert.That(saved.Data, Is.EqualTo(expected.Data).Within(1e-5f));
    }

    [Test]
    public void BuildReadsANormalizedCopyThatIsDeletedAfterwards()
    {
        WriteOldOpsetModel();
        string copyPath;
        using (var copy = TrtSharp.Cli.Infrastructure.NormalizedModelFile.For(_f.ModelPath))
        {
            copyPath = copy.Path;
            Assert.That(copyPath, Is.Not.EqualTo(_f.ModelPath));
            var model = TrtSharp.Onnx.OnnxModel.Load(copyPath);
            Assert.That(model.OpsetImports[""], Is.EqualTo(13));
            Assert.That(model.Proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Conv", "Clip", "Conv" }));
        }
        Assert.That(File.Exists(copyPath), Is.False);

        // A model normalization leaves as it is is read from its own file.
        using var fixture = new QuantizationFixture();
        using var same = TrtSharp.Cli.Infrastructure.NormalizedModelFile.For(fixture.ModelPath);
        Assert.That(same.Path, Is.EqualTo(fixture.ModelPath));
    }

    [Test]
    public void QuantizeAcceptsAnOpsetSixExportOnnxRuntimeCannotRunAsShipped()
    {
        // PyTorch 0.3's Softsign at opset 6 (Add-6 with 'broadcast'): probing, calibration and validation all use the
        // normalized model.
        const string Softsign = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Softsign";
        if (!Directory.Exists(Softsign))
        {
            Assert.Ignore("libonnx-testdata is not installed");
        }
        string calib = Path.Combine(_f.Directory, "softsign-calib");
        Directory.CreateDirectory(calib);
        for (int i = 0; i < 3; i++)
        {
            TrtSharp.Onnx.Numpy.NpyFile.Write(Path.Combine(calib, $"s{i}.npy"), new TrtSharp.Tensors.HostTensor<float>([3, 2, 5], Random(30, 50 + i, 3f)));
        }
        string output = Path.Combine(_f.Directory, "softsign.int8.onnx");
        var run = CliRun.Of("quantize", $"{Softsign}/model.onnx", "--data", calib, "--holdout", calib, "-o", output, "--cache", Path.Combine(_f.Directory, "softsign.cache"),
            "--report", Path.Combine(_f.Directory, "softsign.report"));
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("normalized: opset 6 -> 13"));
        Assert.That(TrtSharp.Onnx.OnnxModel.Load(output).OpsetImports[""], Is.EqualTo(13));
    }
}
