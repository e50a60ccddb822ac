using System.Text.Json;
using TrtSharp.Errors;
using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Tests.Quantization.Calibration;

/// <summary>Every range algorithm against the literal NumPy ports in make_reference.py, to relative 1e-6.</summary>
[TestFixture]
public class RangeAlgorithmReferenceTests
{
    // By key: the algorithms are internal, and a test method's parameters must be public types.
    private static readonly Dictionary<string, Func<IRangeAlgorithm>> Algorithms = new()
    {
        ["max"] = () => new MaxRangeAlgorithm(),
        ["entropy"] = () => new EntropyRangeAlgorithm(),
        ["percentile99_99"] = () => new PercentileRangeAlgorithm(),
        ["percentile99_9"] = () => new PercentileRangeAlgorithm(99.9),
        ["percentile50"] = () => new PercentileRangeAlgorithm(50),
        ["mse"] = () => new MseRangeAlgorithm(),
    };

    private static List<TestCaseData> Cases()
    {
        using JsonDocument doc = ReferenceData.Load("reference_ranges.json");
        var list = new List<TestCaseData>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            var histogram = new Histogram(
                ReferenceData.Counts(c.GetProperty("counts")),
                (float)c.GetProperty("range").GetDouble(),
                (float)c.GetProperty("maxAbs").GetDouble(),
                name);
            foreach (string key in Algorithms.Keys)
            {
                double expected = c.GetProperty("expected").GetProperty(key).GetDouble();
                list.Add(new TestCaseData(histogram, key, expected).SetName($"{key}_{name}"));
            }
        }
        return list;
    }

    [TestCaseSource(nameof(Cases))]
    public void AgreesWithTheNumPyReference(Histogram histogram, string algorithm, double expected)
    {
        float amax = Algorithms[algorithm]().ComputeAmax(histogram);
        if (expected == 0)
        {
            Assert.That(amax, Is.Zero);
        }
        else
        {
            Assert.That(amax, Is.EqualTo(expected).Within(1e-6 * expected));
        }
    }

    [Test]
    public void ReferenceCasesCoverDistinctChoices()
    {
        // Guards against a reference file where every method gives the same number, which would test little.
        using JsonDocument doc = ReferenceData.Load("reference_ranges.json");
        JsonElement gauss = doc.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("name").GetString() == "gaussian");
        JsonElement e = gauss.GetProperty("expected");
        double[] values = new[] { "max", "entropy", "percentile99_99", "mse" }.Select(k => e.GetProperty(k).GetDouble()).ToArray();
        Assert.That(values.Distinct().Count(), Is.EqualTo(4));
    }

    [Test]
    public void EmptyHistogramIsACalibrationErrorNamingTheTensor()
    {
        var empty = new Histogram(new long[2048], 0f, 0f, "conv1_out");
        foreach (IRangeAlgorithm a in Enum.GetValues<CalibrationMethod>().Select(m => RangeAlgorithms.Create(m)))
        {
            var ex = Assert.Throws<CalibrationException>(() => a.ComputeAmax(empty));
            Assert.That(ex!.TensorName, Is.EqualTo("conv1_out"));
        }
    }

    [Test]
    public void EntropyOfASingleOccupiedBinIsItsUpperRange()
    {
        // Only bin 2047 holds counts: i = 2048 gives KL 0 (p = q), every smaller i has an empty last bin with outliers (∞).
        var counts = new long[2048];
        counts[2047] = 10;
        Assert.That(new EntropyRangeAlgorithm().ComputeAmax(new Histogram(counts, 2f, 2f)), Is.EqualTo(2f));
    }

    [Test]
    public void PercentileOutsideZeroToHundredIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PercentileRangeAlgorithm(100.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PercentileRangeAlgorithm(double.NaN));
    }

    [Test]
    public void FactoryGivesTheRequestedMethod()
    {
        foreach (CalibrationMethod m in Enum.GetValues<CalibrationMethod>())
        {
            Assert.That(RangeAlgorithms.Create(m).Method, Is.EqualTo(m));
        }
        Assert.That(((PercentileRangeAlgorithm)RangeAlgorithms.Create(CalibrationMethod.Percentile, 99.5)).Percentile, Is.EqualTo(99.5));
    }

    [Test]
    public void EntropyVectorAndGenericKernelsPickTheSameBin()
    {
        using JsonDocument doc = ReferenceData.Load("reference_ranges.json");
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            long[] counts = ReferenceData.Counts(c.GetProperty("counts"));
            int fast = new EntropyRangeAlgorithm().BestCandidate(counts);
            int generic = new EntropyRangeAlgorithm { UseGenericKernel = true }.BestCandidate(counts);
            Assert.That(fast, Is.EqualTo(generic), c.GetProperty("name").GetString());
        }
    }
}
