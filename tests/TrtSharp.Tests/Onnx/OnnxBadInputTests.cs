using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Tests.Onnx;

[TestFixture]
public class OnnxBadInputTests
{
    private static ModelFormatException LoadFails(string path)
    {
        var e = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(path))!;
        Assert.That(e.FilePath, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith(path));
        return e;
    }

    [Test]
    public void RandomBytesAreRefused()
    {
        using var dir = new TempDir();
        var random = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            var bytes = new byte[1 + random.Next(4096)];
            random.NextBytes(bytes);
            string path = dir.File($"random{i}.onnx");
            File.WriteAllBytes(path, bytes);
            LoadFails(path);
        }
    }

    [Test]
    public void BitFlippedModelsLoadOrFailOnlyWithModelFormatException()
    {
        byte[] original = TestModels.Linear(4, 4, seed: 9, out _, out _).ToByteArray();
        var random = new Random(11);
        int refused = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int k = 0; k < 1 + random.Next(3); k++)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }
            try
            {
                var model = OnnxModel.Load(bytes);
                _ = model.Graph.TopologicalOrder();
                _ = model.Graph.Initializers.Sum(t => t.ByteSize);
            }
            catch (ModelFormatException)
            {
                refused++;
            }
        }
        Assert.That(refused, Is.GreaterThan(0));
    }

    [Test]
    public void TextFileIsRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("readme.onnx");
        File.WriteAllText(path, "# Hello\nThis is a text file, not a model.\n");
        Assert.That(LoadFails(path).Reason, Does.Contain("not an ONNX model"));
    }

    [Test]
    public void EmptyFileIsRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("empty.onnx");
        File.WriteAllBytes(path, []);
        Assert.That(LoadFails(path).Reason, Does.Contain("empty"));
    }

    [Test]
    public void MissingFileIsRefused()
    {
        using var dir = new TempDir();
        Assert.That(LoadFails(dir.File("absent.onnx")).Reason, Does.Contain("not found"));
    }

    [Test]
    public void TruncatedModelsAreRefused()
    {
        using var dir = new TempDir();
        byte[] full = TestModels.Linear(32, 32, seed: 3, out _, out _).ToByteArray();
        foreach (int length in new[] { 1, 10, full.Length / 3, full.Length / 2, full.Length - 1 })
        {
            string path = dir.File($"cut{length}.onnx");
            File.WriteAllBytes(path, full.AsSpan(0, length).ToArray());
            LoadFails(path);
        }
    }

    [Test]
    public void ModelWithoutGraphIsRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("nograph.onnx");
        File.WriteAllBytes(path, new ModelProto { IrVersion = 8, ProducerName = "x" }.ToByteArray());
        Assert.That(LoadFails(path).Reason, Does.Contain("no graph"));
    }

    [Test]
    public void InitializerRawDataSizeMismatchNamesFileAndTensor()
    {
        using var dir = new TempDir();
        var proto = TestModels.Linear(8, 8, seed: 4, out _, out _);
        var w = proto.Graph.Initializer.Single(t => t.Name == "W");
        w.RawData = ByteString.CopyFrom(w.RawData.Span[..100]);
        string path = dir.File("short.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        Assert.That(LoadFails(path).Message, Does.Contain("'W'").And.Contain("100 bytes").And.Contain("256"));
    }

    [Test]
    public void BadBytesFromMemoryAreRefusedWithoutPath()
    {
        var e = Assert.Throws<ModelFormatException>(() => OnnxModel.Load("not a model at all"u8));
        Assert.That(e!.FilePath, Is.Null);
    }
}
