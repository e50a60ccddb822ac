using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Tests.Quantization.Calibration;

[TestFixture]
public class ClippingCheckTests
{
    private static TensorRangeReport Range(string name, float max, float amax, double clippedPercent, CalibrationMethod method = CalibrationMethod.Entropy) =>
        new(name, 1000, -0.5f, max, new Dictionary<CalibrationMethod, float> { [CalibrationMethod.Max] = max, [CalibrationMethod.Percentile] = 0.9f * max }, method, amax, clippedPercent);

    [Test]
    public void HardClippingIsSuspectAndOrdinaryClippingIsNot()
    {
        var ranges = new[]
        {
            Range("ok_tail", 10, 3, 0.05),          // entropy's usual cut of a long, thin tail
            Range("wide_clip", 10, 8, 2.5),         // a mild cut that still loses 2.5% of the values
            Range("collapsed", 10, 3, 0.3),         // 30% of the range, 0.3% clipped
            Range("max", 10, 10, 0),
            Range("narrow_but_harmless", 10, 2, 0.01),
        };
        Assert.That(ClippingCheck.Suspects(ranges).Select(r => r.Name), Is.EqualTo(new[] { "wide_clip", "collapsed" }));
    }

    [Test]
    public void RangesWithoutStatisticsAreNotJudged()
    {
        // A range read from a cache has no histogram: count 0 and no clipped share to judge.
        var fromCache = new TensorRangeReport("c", 0, -1, 1, new Dictionary<CalibrationMethod, float>(), CalibrationMethod.Entropy, 1, 0);
        Assert.That(ClippingCheck.IsSuspect(fromCache), Is.False);
    }

    [Test]
    public void TheMessageNamesTheTensorTheShareAndTheAlternatives()
    {
        string line = ClippingCheck.Describe(Range("conv1_in", 10, 3, 12.5));
        Assert.That(line, Is.EqualTo("tensor 'conv1_in': the entropy range ±3 is 0.3× the observed |max| 10 and clips 12.5% of its values; "
            + "try --method max or percentile (amax max 10, percentile 9), or keep its consumers in float"));
    }
}
