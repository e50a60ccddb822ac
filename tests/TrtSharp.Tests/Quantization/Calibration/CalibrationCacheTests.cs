using TrtSharp.Errors;
using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Tests.Quantization.Calibration;

[TestFixture]
public class CalibrationCacheTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-cache-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void KnownVectors()
    {
        var cache = CalibrationCache.FromAmax([new("a", 127f), new("b", 1f), new("c", 254f)], 101601, CalibrationCacheAlgorithm.EntropyCalibration2);
        // 1.0 = 0x3f800000; 1/127 in float32 = 0x3c010204; 2.0 = 0x40000000.
        Assert.That(cache.ToText(), Is.EqualTo("TRT-101601-EntropyCalibration2\na: 3f800000\nb: 3c010204\nc: 40000000\n"));
        Assert.That(cache.Warnings, Is.Empty);
    }

    [Test]
    public void VersionNumbering()
    {
        Assert.That(CalibrationCache.ParseVersion("10.16.1"), Is.EqualTo(101601));
        Assert.That(CalibrationCache.ParseVersion("10.3"), Is.EqualTo(100300));
        Assert.That(CalibrationCache.EncodeVersion(11, 0, 2), Is.EqualTo(110002));
        Assert.Throws<FormatException>(() => CalibrationCache.ParseVersion("10.x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationCache.EncodeVersion(10, 100, 0));
    }

    [Test]
    public void RoundTripThroughAFile()
    {
        var amax = new KeyValuePair<string, float>[] { new("input:0", 3.25f), new("conv1/out", 0.001f), new("x", 1e6f) };
        var written = CalibrationCache.FromAmax(amax, 100900, CalibrationCacheAlgorithm.MinMaxCalibration);
        string path = Path.Combine(_dir, "model.calib.cache");
        written.Write(path);
        var read = CalibrationCache.Read(path);
        Assert.That(read.TensorRtVersion, Is.EqualTo(100900));
        Assert.That(read.Algorithm, Is.EqualTo(CalibrationCacheAlgorithm.MinMaxCalibration));
        Assert.That(read.Entries, Is.EqualTo(written.Entries));
        foreach ((string name, float a) in amax)
        {
            Assert.That(read.GetAmax(name), Is.EqualTo(a).Within(2e-7 * a));
        }
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temporary file left behind");
        Assert.Throws<TensorNotFoundException>(() => read.GetAmax("missing"));
    }

    [Test]
    public void WriteReplacesAnExistingFile()
    {
        string path = Path.Combine(_dir, "c.cache");
        File.WriteAllText(path, "old");
        CalibrationCache.FromAmax([new("t", 127f)], 100000, CalibrationCacheAlgorithm.EntropyCalibration2).Write(path);
        Assert.That(File.ReadAllText(path), Is.EqualTo("TRT-100000-EntropyCalibration2\nt: 3f800000\n"));
    }

    [Test]
    public void ZeroAmaxGetsTheDocumentedScaleAndAWarning()
    {
        var cache = CalibrationCache.FromAmax([new("dead", 0f), new("live", 127f)], 101601, CalibrationCacheAlgorithm.EntropyCalibration2);
        Assert.That(cache.Scales["dead"], Is.EqualTo(1f / 127f));
        Assert.That(cache.Warnings, Has.Count.EqualTo(1));
        Assert.That(cache.Warnings[0], Does.Contain("dead"));
    }

    [Test]
    public void BadAmaxIsRefused([Values(-1f, float.NaN, float.PositiveInfinity)] float amax)
    {
        Assert.Throws<ArgumentException>(() => CalibrationCache.FromAmax([new("t", amax)], 101601, CalibrationCacheAlgorithm.EntropyCalibration2));
    }

    [Test]
    public void DuplicateNamesAreRefusedWhenBuilding()
    {
        Assert.Throws<ArgumentException>(() => CalibrationCache.FromAmax([new("t", 1f), new("t", 2f)], 101601, CalibrationCacheAlgorithm.EntropyCalibration2));
    }

    [Test]
    public void ToleratesCrLfAndBlankLines()
    {
        var c = CalibrationCache.Parse("TRT-101601-EntropyCalibration2\r\na: 3F800000\r\n\r\nb: 40000000\r\n");
        Assert.That(c.Scales["a"], Is.EqualTo(1f));
        Assert.That(c.Scales["b"], Is.EqualTo(2f));
    }

    [TestCase("TRT-8601-EntropyCalibration\na: 3f800000\n", 1, "calibrator 'EntropyCalibration'")]
    [TestCase("TRT-LegacyCalibration\n", 1, "no version number")]
    [TestCase("hello\n", 1, "found 'hello'")]
    [TestCase("", 1, "found ''")]
    [TestCase("TRT-101601-EntropyCalibration2\na 3f800000\n", 2, "expected 'name: hhhhhhhh'")]
    [TestCase("TRT-101601-EntropyCalibration2\na: 3f80000\n", 2, "not 8 hex digits")]
    [TestCase("TRT-101601-EntropyCalibration2\na: 3f80000g\n", 2, "not 8 hex digits")]
    [TestCase("TRT-101601-EntropyCalibration2\na: 3f8000000\n", 2, "not 8 hex digits")]
    [TestCase("TRT-101601-EntropyCalibration2\na: 3f800000\n: 3f800000\n", 3, "expected 'name: hhhhhhhh'")]
    [TestCase("TRT-101601-EntropyCalibration2\na: 3f800000\nb: 00000000\n", 3, "not a finite positive")]
    [TestCase("TRT-101601-EntropyCalibration2\na: bf800000\n", 2, "not a finite positive")]
    [TestCase("TRT-101601-EntropyCalibration2\na: 7fc00000\n", 2, "not a finite positive")]
    [TestCase("TRT-101601-EntropyCalibration2\na: 3f800000\nb: 3f800000\na: 40000000\n", 4, "appears again (first on line 2)")]
    public void MalformedCachesNameFileAndLine(string text, int line, string reason)
    {
        string path = Path.Combine(_dir, "bad.cache");
        File.WriteAllText(path, text);
        var ex = Assert.Throws<ModelFormatException>(() => CalibrationCache.Read(path));
        Assert.That(ex!.FilePath, Is.EqualTo(path));
        Assert.That(ex.Message, Does.Contain($"line {line}:").And.Contain(reason));
    }
}
