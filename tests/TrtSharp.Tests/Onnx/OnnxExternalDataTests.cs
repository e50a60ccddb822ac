using System.Security.Cryptography;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Onnx;

[TestFixture]
public class OnnxExternalDataTests
{
    [Test]
    public void SaveWithExternalDataThenLoadGivesTheSameWeights()
    {
        using var dir = new TempDir();
        var model = OnnxModel.FromProto(TestModels.Linear(300, 70, seed: 5, out float[] weights, out float[] bias));
        string path = dir.File("linear.onnx");
        model.Save(path, new OnnxSaveOptions { UseExternalData = true });

        string dataPath = dir.File("linear.onnx.data");
        Assert.That(File.Exists(dataPath), Is.True);
        Assert.That(new FileInfo(path).Length, Is.LessThan(1024), "the weights left the model file");
        Assert.That(Directory.GetFiles(dir.Path), Has.Length.EqualTo(2), "no temporary files remain");

        var loaded = OnnxModel.Load(path);
        var w = loaded.Graph.FindInitializer("W")!;
        var b = loaded.Graph.FindInitializer("B")!;
        Assert.Multiple(() =>
        {
            Assert.That(w.IsExternal, Is.True);
            Assert.That(w.ExternalLocation, Is.EqualTo("linear.onnx.data"));
            Assert.That(w.ByteSize, Is.EqualTo(300 * 70 * 4));
            Assert.That(b.IsExternal, Is.False, "280 bytes is under the 1 KiB threshold");
            Assert.That(((HostTensor<float>)loaded.GetInitializer("W")).Data, Is.EqualTo(weights));
            Assert.That(((HostTensor<float>)loaded.GetInitializer("B")).Data, Is.EqualTo(bias));
        });
        // The data file holds the weights little-endian at an aligned offset.
        long offset = long.Parse(w.Proto.ExternalData.Single(e => e.Key == "offset").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(offset % 4096, Is.Zero);
        byte[] file = File.ReadAllBytes(dataPath);
        Assert.That(BitConverter.ToSingle(file, (int)offset + 4 * 123), Is.EqualTo(weights[123]));
    }

    [Test]
    public void SavingAnExternalModelInlineElsewhereCarriesTheData()
    {
        using var dir = new TempDir();
        var model = OnnxModel.FromProto(TestModels.Linear(40, 40, seed: 1, out float[] weights, out _));
        model.Save(dir.File("a.onnx"), new OnnxSaveOptions { UseExternalData = true, ExternalDataFileName = "weights.bin", Alignment = 64 });
        var external = OnnxModel.Load(dir.File("a.onnx"));
        Assert.That(external.Graph.FindInitializer("W")!.ExternalLocation, Is.EqualTo("weights.bin"));

        Directory.CreateDirectory(dir.File("other"));
        string inline = Path.Combine(dir.File("other"), "b.onnx");
        external.Save(inline);
        Assert.That(Directory.GetFiles(dir.File("other")), Is.EqualTo(new[] { inline }));
        var reloaded = OnnxModel.Load(inline);
        Assert.That(reloaded.Graph.FindInitializer("W")!.IsExternal, Is.False);
        Assert.That(((HostTensor<float>)reloaded.GetInitializer("W")).Data, Is.EqualTo(weights));

        // Overwriting the model in place re-reads its data file before replacing it.
        external.Save(dir.File("a.onnx"), new OnnxSaveOptions { UseExternalData = true, ExternalDataFileName = "weights.bin" });
        Assert.That(((HostTensor<float>)OnnxModel.Load(dir.File("a.onnx")).GetInitializer("W")).Data, Is.EqualTo(weights));

        external.InlineExternalData();
        Assert.That(OnnxModel.Load(external.ToBytes()).Graph.FindInitializer("W")!.IsExternal, Is.False);
    }

    [Test]
    public void ModelsOverTheSizeLimitGoExternalWithoutBeingAsked()
    {
        using var dir = new TempDir();
        var model = OnnxModel.FromProto(TestModels.Linear(64, 64, seed: 8, out float[] weights, out _));
        // The real limit is ~2 GB; a 10 KB limit exercises the same decision on a 16 KB model.
        model.Save(dir.File("big.onnx"), new OnnxSaveOptions { AutomaticExternalDataAbove = 10_000 });
        var loaded = OnnxModel.Load(dir.File("big.onnx"));
        Assert.That(loaded.Graph.FindInitializer("W")!.IsExternal, Is.True);
        Assert.That(((HostTensor<float>)loaded.GetInitializer("W")).Data, Is.EqualTo(weights));

        model.Save(dir.File("small.onnx"), new OnnxSaveOptions { AutomaticExternalDataAbove = 1_000_000 });
        Assert.That(OnnxModel.Load(dir.File("small.onnx")).Graph.FindInitializer("W")!.IsExternal, Is.False);
    }

    [Test]
    public void ExternalSaveWithNothingOverThresholdWritesNoDataFile()
    {
        using var dir = new TempDir();
        OnnxModel.FromProto(TestModels.Linear(2, 2, seed: 1, out _, out _)).Save(dir.File("small.onnx"), new OnnxSaveOptions { UseExternalData = true });
        Assert.That(Directory.GetFiles(dir.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "small.onnx" }));
    }

    private static string WriteExternalModel(TempDir dir, string location, long offset = 0, byte[]? dataFile = null)
    {
        var proto = TestModels.Linear(16, 16, seed: 2, out float[] weights, out _);
        TestModels.MakeExternal(proto, "W", location, offset);
        if (dataFile is not null)
        {
            File.WriteAllBytes(dir.File("w.bin"), dataFile);
        }
        string path = dir.File("model.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        return path;
    }

    [Test]
    public void MissingExternalFileNamesTensorAndFile()
    {
        using var dir = new TempDir();
        string path = WriteExternalModel(dir, "w.bin");
        var e = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(path));
        Assert.That(e!.FilePath, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain("'W'").And.Contain("w.bin").And.Contain("not found"));
    }

    [TestCase("../outside.bin")]
    [TestCase("sub/../../outside.bin")]
    [TestCase("/etc/passwd")]
    public void ExternalLocationOutsideTheModelFolderIsRefused(string location)
    {
        using var dir = new TempDir();
        string path = WriteExternalModel(dir, location);
        var e = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(path));
        Assert.That(e!.Message, Does.Contain("'W'").And.Contain(location));
        Assert.That(e.Message, Does.Contain("model folder"));
    }

    [Test]
    public void ShortExternalFileIsRefused()
    {
        using var dir = new TempDir();
        string path = WriteExternalModel(dir, "w.bin", offset: 0, dataFile: new byte[100]);
        var e = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(path));
        Assert.That(e!.Message, Does.Contain("'W'").And.Contain("100 bytes"));
    }

    [Test]
    public void ChecksumIsVerifiedWhenPresent()
    {
        using var dir = new TempDir();
        var data = new byte[16 * 16 * 4];
        data[5] = 42;
        string path = WriteExternalModel(dir, "w.bin", dataFile: data);
        var model = OnnxModel.Load(path);
        Assert.That(model.GetInitializer("W").AsBytes()[5], Is.EqualTo(42));

        var w = model.Proto.Graph.Initializer.Single(t => t.Name == "W");
#pragma warning disable CA5350 // the ONNX checksum key is SHA-1 by definition
        w.ExternalData.Add(new StringStringEntryProto { Key = "checksum", Value = Convert.ToHexStringLower(SHA1.HashData(data)) });
#pragma warning restore CA5350
        Assert.That(model.GetInitializer("W").AsBytes()[5], Is.EqualTo(42));
        w.ExternalData[^1].Value = new string('0', 40);
        Assert.That(Assert.Throws<ModelFormatException>(() => model.GetInitializer("W"))!.Message, Does.Contain("checksum"));
    }
}
