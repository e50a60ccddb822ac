using System.Text.Json;
using TrtSharp.Errors;
using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Tests.Quantization.Calibration;

[TestFixture]
public class HistogramCollectorTests
{
    [Test]
    public void OneBatchMatchesNumPyFormulaCounts([Values] bool twoThreads)
    {
        using JsonDocument doc = ReferenceData.Load("reference_binning.json");
        JsonElement single = doc.RootElement.GetProperty("single");
        float[] values = ReferenceData.XorShiftValues((uint)single.GetProperty("seed").GetInt32(), single.GetProperty("count").GetInt32(), (float)single.GetProperty("factor").GetDouble());
        var collector = new HistogramCollector("x") { UseTwoThreads = twoThreads };
        collector.Add(values);
        TensorStatistics s = collector.ToStatistics();
        Assert.Multiple(() =>
        {
            Assert.That(s.Histogram.Range, Is.EqualTo((float)single.GetProperty("range").GetDouble()));
            Assert.That(s.Min, Is.EqualTo((float)single.GetProperty("min").GetDouble()));
            Assert.That(s.Max, Is.EqualTo((float)single.GetProperty("max").GetDouble()));
            Assert.That(s.Count, Is.EqualTo(values.Length));
            Assert.That(s.Histogram.Counts.ToArray(), Is.EqualTo(ReferenceData.Counts(single.GetProperty("counts"))));
        });
    }

    [Test]
    public void GrowingBatchesMatchTheNumPySimulationAfterEveryBatch([Values] bool twoThreads)
    {
        using JsonDocument doc = ReferenceData.Load("reference_binning.json");
        JsonElement[] batches = doc.RootElement.GetProperty("batches").EnumerateArray().ToArray();
        JsonElement[] snapshots = doc.RootElement.GetProperty("snapshots").EnumerateArray().ToArray();
        var collector = new HistogramCollector("x") { UseTwoThreads = twoThreads };
        long total = 0;
        for (int k = 0; k < batches.Length; k++)
        {
            float[] v = ReferenceData.XorShiftValues((uint)batches[k].GetProperty("seed").GetInt32(), batches[k].GetProperty("count").GetInt32(), (float)batches[k].GetProperty("factor").GetDouble());
            collector.Add(v, sampleIndex: k);
            total += v.Length;
            Histogram h = collector.ToStatistics().Histogram;
            Assert.That(h.Range, Is.EqualTo((float)snapshots[k].GetProperty("range").GetDouble()), $"range after batch {k}");
            Assert.That(h.Counts.ToArray(), Is.EqualTo(ReferenceData.Counts(snapshots[k].GetProperty("counts"))), $"counts after batch {k}");
            Assert.That(h.TotalCount, Is.EqualTo(total), "no count lost");
        }
    }

    [Test]
    public void GrowthEqualsBinningEverythingOnTheFinalRange()
    {
        // Exact up to float rounding at bin edges: allow a handful of values per hundred thousand to sit one bin over.
        float[] a = ReferenceData.XorShiftValues(3, 40000, 0.3f);
        float[] b = ReferenceData.XorShiftValues(5, 40000, 2.2f);
        var grown = new HistogramCollector("x");
        grown.Add(a);
        grown.Add(b);
        Histogram h = grown.ToStatistics().Histogram;
        Assert.That(h.Range, Is.GreaterThanOrEqualTo(h.MaxAbs));
        Assert.That(h.Range, Is.LessThan(2 * h.MaxAbs));

        var direct = new long[2048];
        float scale = 2048f / h.Range;
        foreach (float x in a.Concat(b))
        {
            direct[Math.Min((int)MathF.Floor(MathF.Abs(x) * scale), 2047)]++;
        }
        long moved = 0;
        for (int j = 0; j < 2048; j++)
        {
            moved += Math.Abs(direct[j] - h.Counts[j]);
        }
        Assert.That(h.TotalCount, Is.EqualTo(80000));
        Assert.That(moved, Is.LessThanOrEqualTo(8));
    }

    [Test]
    public void TwoBatchesWithoutGrowthEqualOneBatch()
    {
        float[] a = ReferenceData.XorShiftValues(21, 100000, 1f);
        float[] b = ReferenceData.XorShiftValues(22, 60000, 0.5f);
        var split = new HistogramCollector("x");
        split.Add(a);
        split.Add(b);
        var whole = new HistogramCollector("x");
        whole.Add(a.Concat(b).ToArray());
        TensorStatistics s1 = split.ToStatistics(), s2 = whole.ToStatistics();
        Assert.That(s1.Histogram.Range, Is.EqualTo(s2.Histogram.Range));
        Assert.That(s1.Histogram.Counts.ToArray(), Is.EqualTo(s2.Histogram.Counts.ToArray()));
        Assert.That((s1.Min, s1.Max, s1.Count), Is.EqualTo((s2.Min, s2.Max, s2.Count)));
    }

    [Test]
    public void ReluLikeDataCountsTheZeroSpike([Values(100, 5000, 400000)] int count)
    {
        float[] v = ReferenceData.XorShiftValues(9, count, 1f).Select(x => Math.Max(x, 0f)).ToArray();
        var c = new HistogramCollector("relu");
        c.Add(v);
        Histogram h = c.ToStatistics().Histogram;
        float scale = 2048f / h.Range;
        var expected = new long[2048];
        foreach (float x in v)
        {
            expected[Math.Min((int)MathF.Floor(x * scale), 2047)]++;
        }
        Assert.That(h.Counts.ToArray(), Is.EqualTo(expected));
        Assert.That(h.Counts[0], Is.GreaterThan(count * 4 / 10));
        Assert.That(c.ToStatistics().Min, Is.Zero);
    }

    [Test]
    public void FlatRegionsCountAsEveryValueOnItsOwn([Values] bool twoThreads)
    {
        // Image-like values: runs of one value (a page background, ReLU zeros, -0 next to +0) of every length, straddling
        // the kernels' 16-value blocks, runs of different values that share a bin, and noise between them. The first
        // batch takes the two-pass path (it sets the range), the second the one-pass path, or with two threads the
        // split path (both batches are longer than ParallelThreshold); all must count exactly as binning value by value.
        float[] noise = ReferenceData.XorShiftValues(31, 1000000, 1f);
        var runs = new Random(7);
        var values = new List<float>();
        int n = 0;
        while (values.Count < 2 * (HistogramCollector.ParallelThreshold + 1))
        {
            int length = runs.Next(1, 300);
            float v = runs.Next(4) switch
            {
                0 => 0.3f,
                1 => (values.Count & 1) == 0 ? 0f : -0f,
                _ => noise[n++],
            };
            for (int k = 0; k < length; k++)
            {
                // A quarter of the runs step by a value far below a bin width: different values, one bin.
                values.Add(runs.Next(4) == 0 ? v + (k * 1e-7f) : v);
            }
            values.AddRange(noise.AsSpan(n, runs.Next(0, 40)).ToArray());
            n += 40;
        }
        int half = values.Count / 2;
        float[] first = [.. values.Take(half), 2f]; // |noise| < 2: the range is 2 from the first batch on
        float[] second = [.. values.Skip(half)];
        Assert.That(second, Has.Length.GreaterThan(HistogramCollector.ParallelThreshold));
        var c = new HistogramCollector("flat") { UseTwoThreads = twoThreads };
        c.Add(first);
        c.Add(second);
        Histogram h = c.ToStatistics().Histogram;
        Assert.That(h.Range, Is.EqualTo(2f), "the second batch fits the first one's range");
        float scale = 2048f / h.Range;
        var expected = new long[2048];
        foreach (float x in first.Concat(second))
        {
            expected[Math.Min((int)MathF.Floor(MathF.Abs(x) * scale), 2047)]++;
        }
        Assert.That(h.Counts.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void NaNIsReportedWithTensorAndSample()
    {
        var c = new HistogramCollector("mel_out");
        c.Add(new float[] { 1, 2, 3, 4 }, sampleIndex: 0);
        var batch = new float[4 * 100];
        batch[(2 * 100) + 37] = float.NaN; // third sample of the batch
        var ex = Assert.Throws<CalibrationException>(() => c.Add(batch, sampleIndex: 10, samplesInSpan: 4));
        Assert.That(ex!.TensorName, Is.EqualTo("mel_out"));
        Assert.That(ex.SampleIndex, Is.EqualTo(12));
        Assert.That(ex.Message, Does.Contain("NaN").And.Contain("element 37"));
        Assert.That(c.Count, Is.EqualTo(4), "a refused batch is not counted");
    }

    [TestCase(float.NaN, 777)]
    [TestCase(float.NaN, 300004)]
    [TestCase(float.NegativeInfinity, 777)]
    [TestCase(-7.5f, 777)]
    [TestCase(-7.5f, 300004)]
    public void ABatchThatDoesNotFitTheRangeCountsAsOnTheTwoPassPath(float odd, int at)
    {
        // 300 007 values: with two threads the collector scans then bins (two passes), with one it bins and scans at
        // once and must drop that pass when the batch does not fit (NaN, ∞, or beyond the range): same counts either way,
        // also for the batch after a refused one. Index 300004 lies in the scalar tail after the 16-wide loop.
        float[] a = ReferenceData.XorShiftValues(31, 300007, 1f);
        float[] b = ReferenceData.XorShiftValues(32, 300007, 0.5f);
        b[at] = odd;
        TensorStatistics Feed(bool twoThreads)
        {
            var c = new HistogramCollector("x") { UseTwoThreads = twoThreads };
            c.Add(a);
            try
            {
                c.Add(b, sampleIndex: 1);
            }
            catch (CalibrationException)
            {
                // refused, and nothing of it may be counted later
            }
            c.Add(a, sampleIndex: 2);
            return c.ToStatistics();
        }
        TensorStatistics onePass = Feed(false), twoPass = Feed(true);
        Assert.That(onePass.Histogram.Counts.ToArray(), Is.EqualTo(twoPass.Histogram.Counts.ToArray()));
        Assert.That((onePass.Count, onePass.Histogram.Range, onePass.Min, onePass.Max), Is.EqualTo((twoPass.Count, twoPass.Histogram.Range, twoPass.Min, twoPass.Max)));
        Assert.That(onePass.Count, Is.EqualTo(float.IsFinite(odd) ? 900021 : 600014));
    }

    [Test]
    public void InfinityIsReported([Values(float.PositiveInfinity, float.NegativeInfinity)] float bad, [Values(7, 300000)] int length)
    {
        var v = new float[length];
        v[length - 1] = bad;
        var ex = Assert.Throws<CalibrationException>(() => new HistogramCollector("t").Add(v, sampleIndex: 5));
        Assert.That(ex!.SampleIndex, Is.EqualTo(5));
        Assert.That(ex.Message, Does.Contain("infinity"));
    }

    [Test]
    public void AllZeroTensorHasRangeZeroAndEveryMethodGivesZero()
    {
        var c = new HistogramCollector("dead");
        c.Add(new float[10000]);
        TensorStatistics s = c.ToStatistics();
        Assert.That(s.Histogram.Range, Is.Zero);
        Assert.That(s.Histogram.Counts[0], Is.EqualTo(10000));
        foreach (CalibrationMethod m in Enum.GetValues<CalibrationMethod>())
        {
            Assert.That(RangeAlgorithms.Create(m).ComputeAmax(s.Histogram), Is.Zero, m.ToString());
        }
    }

    [Test]
    public void ZerosBeforeTheFirstNonZeroStayInBinZero()
    {
        var c = new HistogramCollector("t");
        c.Add(new float[50]);
        c.Add(new float[] { 0.5f, -1f });
        Histogram h = c.ToStatistics().Histogram;
        Assert.That(h.Range, Is.EqualTo(1f));
        Assert.That(h.Counts[0], Is.EqualTo(50));
        Assert.That(h.Counts[1024], Is.EqualTo(1));
        Assert.That(h.Counts[2047], Is.EqualTo(1));
    }

    [Test]
    public void IntegerGrowthMovesWholeBins()
    {
        // Range 1 → 3 (m = 3): bin j moves to j / 3; 0.75 sat in bin 1536 and belongs to 512 on [0, 3).
        var c = new HistogramCollector("t");
        c.Add(new float[] { 1f, 0.75f });
        c.Add(new float[] { 2.5f });
        Histogram h = c.ToStatistics().Histogram;
        Assert.That(h.Range, Is.EqualTo(3f));
        Assert.That(h.Counts[512], Is.EqualTo(1));
        Assert.That(h.Counts[682], Is.EqualTo(1), "old bin 2047 → 682");
        Assert.That(h.Counts[(int)(2.5f * (2048f / 3f))], Is.EqualTo(1));
        Assert.That(h.MaxAbs, Is.EqualTo(2.5f));
    }

    [Test]
    public void TinyRangesAreBinnedInDouble()
    {
        var c = new HistogramCollector("t");
        c.Add(new float[] { 1e-38f, 5e-39f, 0f });
        Histogram h = c.ToStatistics().Histogram;
        Assert.That(h.TotalCount, Is.EqualTo(3));
        Assert.That(h.Counts[2047], Is.EqualTo(1));
        Assert.That(h.Counts[1023] + h.Counts[1024], Is.EqualTo(1));
    }

    [Test]
    public void StatisticsCollectorKeepsOneHistogramPerTensorInFirstSeenOrder()
    {
        var s = new StatisticsCollector();
        s.Add("b", new float[] { 1, -2 });
        s.Add("a", new float[] { 3 });
        s.Add("b", new float[] { 0.5f });
        IReadOnlyList<TensorStatistics> all = s.ToStatistics();
        Assert.That(all.Select(t => t.TensorName), Is.EqualTo(new[] { "b", "a" }));
        Assert.That((all[0].Count, all[0].Min, all[0].Max, all[0].MaxAbs), Is.EqualTo((3L, -2f, 1f, 2f)));
    }
}
