using TrtSharp.Comparison;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Comparison;

// Expected statistics computed with NumPy: d = |a-b|; d.mean()=0.15, median=0.05, quantile(0.99)=0.488, max(d/|b|)=1/6.
[TestFixture]
public class OutputComparisonTests
{
    private static readonly double[] A = [1.0, 2.0, 3.5, -4.0];
    private static readonly double[] B = [1.0, 2.1, 3.0, -4.0];

    [Test]
    public void ErrorStatisticsMatchNumPy()
    {
        var c = OutputComparison.Compare("y", A, B, new ErrorCheck(new Tolerance(0, 1), ErrorStatistic.Max));
        Assert.Multiple(() =>
        {
            Assert.That(c.AbsoluteError.Mean, Is.EqualTo(0.15).Within(1e-12));
            Assert.That(c.AbsoluteError.Median, Is.EqualTo(0.05).Within(1e-12));
            Assert.That(c.ChosenQuantileAbsoluteError, Is.EqualTo(0.488).Within(1e-12));
            Assert.That(c.RequiredAbsoluteTolerance, Is.EqualTo(0.5).Within(1e-12));
            Assert.That(c.RequiredRelativeTolerance, Is.EqualTo(1.0 / 6).Within(1e-12));
            Assert.That(c.ErrorHistogram.Sum(), Is.EqualTo(4));
            Assert.That(c.Passed, Is.True);
        });
    }

    [TestCase("max", 0.2, false)]
    [TestCase("mean", 0.2, true)]
    [TestCase("median", 0.06, true)]
    [TestCase("quantile:0.99", 0.4, false)]
    [TestCase("quantile:0.99", 0.49, true)]
    public void TheChosenStatisticDecides(string check, double atol, bool expected)
    {
        var (stat, q) = ErrorCheck.ParseStatistic(check);
        var c = OutputComparison.Compare("y", A, B, new ErrorCheck(new Tolerance(0, atol), stat, q));
        Assert.That(c.Passed, Is.EqualTo(expected), c.Reason);
    }

    [Test]
    public void NaNOnOneSideFails()
    {
        var c = OutputComparison.Compare("y", [double.NaN, 1], [0, 1], new ErrorCheck(new Tolerance(1, 1), ErrorStatistic.Mean));
        Assert.That(c.Passed, Is.False);
        Assert.That(c.Reason, Does.Contain("NaN"));
    }

    [TestCase("mean")]
    [TestCase("quantile:0.99")]
    public void InfinityOnOneSideFailsEveryStatistic(string check)
    {
        var (stat, q) = ErrorCheck.ParseStatistic(check);
        var c = OutputComparison.Compare("y", [double.PositiveInfinity, 1, 1, 1], [1, 1, 1, 1], new ErrorCheck(new Tolerance(0, 1e-3), stat, q));
        Assert.That(c.Passed, Is.False);
        Assert.That(c.Reason, Does.Contain("infinite"));
        Assert.That(OutputComparison.Compare("y", [double.PositiveInfinity, 1], [double.PositiveInfinity, 1], new ErrorCheck(new Tolerance(0, 1e-3), stat, q)).Passed, Is.True);
    }

    [Test]
    public void ShapeMismatchIsExplained()
    {
        var c = OutputComparison.Compare("y", new HostTensor<float>([2]), new HostTensor<float>([1, 2]), new ErrorCheck(Tolerance.OnnxBackendDefault, ErrorStatistic.Max));
        Assert.That(c.Passed, Is.False);
        Assert.That(c.Reason, Does.Contain("[2] vs reference [1, 2]"));
    }

    [TestCase("quantile:2")]
    [TestCase("p99")]
    public void BadCheckTextIsRefused(string text)
    {
        Assert.Throws<FormatException>(() => ErrorCheck.ParseStatistic(text));
    }
}
