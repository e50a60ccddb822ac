using TrtSharp.Comparison;

namespace TrtSharp.Tests.Comparison;

// Reference values computed with NumPy 1.24 (np.mean, np.std, np.percentile, dot/norm, log10 ratio).
[TestFixture]
public class StatisticsTests
{
    [Test]
    public void ValueStatisticsMatchNumPy()
    {
        double[] v = [3.0, -1.5, 2.25, 10.0, 0.5, -7.0, 4.0, double.NaN, double.PositiveInfinity];
        var s = ValueStatistics.Compute(v);
        Assert.Multiple(() =>
        {
            Assert.That(s.Mean, Is.EqualTo(1.6071428571428572).Within(1e-12));
            Assert.That(s.StandardDeviation, Is.EqualTo(4.832658878581717).Within(1e-12));
            Assert.That(s.Median, Is.EqualTo(2.25).Within(1e-12));
            Assert.That(s.P90, Is.EqualTo(6.400000000000002).Within(1e-12));
            Assert.That(s.P95, Is.EqualTo(8.199999999999996).Within(1e-12));
            Assert.That(s.P99, Is.EqualTo(9.639999999999997).Within(1e-12));
            Assert.That((s.Min, s.MinIndex, s.Max, s.MaxIndex), Is.EqualTo((-7.0, 5L, 10.0, 3L)));
            Assert.That((s.NaNCount, s.InfinityCount), Is.EqualTo((1L, 1L)));
        });
    }

    [Test]
    public void CosineAndSnrMatchNumPy()
    {
        double[] a = [1.0, 2.0, 3.0];
        double[] b = [1.1, 1.9, 3.2];
        Assert.That(Similarity.Cosine(a, b), Is.EqualTo(0.9985998545525763).Within(1e-12));
        Assert.That(Similarity.SignalToNoiseDb(a, b), Is.EqualTo(23.996737214810373).Within(1e-9));
        Assert.That(Similarity.SignalToNoiseDb(a, a), Is.EqualTo(double.PositiveInfinity));
    }
}
