using TrtSharp.Comparison;

namespace TrtSharp.Tests.Comparison;

[TestFixture]
public class AgreementAccumulatorTests
{
    [Test]
    public void BatchesAddUpToTheWholeDatasetFigures()
    {
        // Same vectors as StatisticsTests (NumPy: cosine 0.9985998545525763, SNR 23.996737214810373 dB).
        var acc = new AgreementAccumulator();
        acc.Add([1.0f, 2.0f], [1.1f, 1.9f]);
        acc.Add([3.0f], [3.2f]);
        Assert.That(acc.Count, Is.EqualTo(3));
        Assert.That(acc.Cosine, Is.EqualTo(0.9985998545525763).Within(1e-6));
        Assert.That(acc.SnrDb, Is.EqualTo(23.996737214810373).Within(1e-4));
        Assert.That(acc.MaxAbsoluteError, Is.EqualTo(0.2).Within(1e-6));
        Assert.That(acc.MeanAbsoluteError, Is.EqualTo(0.4 / 3).Within(1e-6));
    }

    [Test]
    public void MismatchedLengthsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new AgreementAccumulator().Add([1f], [1f, 2f]));
    }
}
