using TrtSharp.Tools.Reporting;

namespace TrtSharp.Tests.Tools.Reporting;

[TestFixture]
public class PlotsTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-plots").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static void AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        // IHDR width and height, big-endian at offsets 16 and 20.
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(Plots.Width));
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(Plots.Height));
    }

    [Test]
    public void HistogramWithMarkersRendersAPng()
    {
        string path = Path.Combine(_dir, "h.png");
        long[] counts = Enumerable.Range(0, 2048).Select(i => (long)(1000 * Math.Exp(-i / 200.0))).ToArray();
        Plots.Histogram(path, "conv1 |x|", counts, 4.0, "|x|", [(2.5, "entropy"), (4.0, "max")]);
        AssertPng(path);
    }

    [Test]
    public void BarsRenderAPng()
    {
        string path = Path.Combine(_dir, "b.png");
        Plots.Bars(path, "speedup", ["ORT CPU FP32", "ORT CPU INT8"], [1.0, 1.7], "× vs CPU FP32", referenceLine: 1);
        AssertPng(path);
    }
}
