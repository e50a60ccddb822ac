using TrtSharp.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Precision;

public class QuantizationMathTests
{
    [TestCase("conv1", "conv1", true)]
    [TestCase("conv?", "conv1", true)]
    [TestCase("conv?", "conv12", false)]
    [TestCase("*conv*", "block2/conv/Conv2D", true)]
    [TestCase("block*/Conv2D", "block2/conv/Conv2D", true)]
    [TestCase("block*/Relu", "block2/conv/Conv2D", false)]
    [TestCase("Conv", "ConvTranspose", false)]
    [TestCase("Conv*", "ConvTranspose", true)]
    [TestCase("*", "", true)]
    [TestCase("a*b*c", "axxbyyc", true)]
    [TestCase("a*b*c", "axxbyyd", false)]
    public void GlobMatchesWholeNames(string pattern, string text, bool expected) =>
        Assert.That(GlobPattern.IsMatch(pattern, text), Is.EqualTo(expected));

    [Test]
    public void SymmetricScaleIsAmaxOver127InFloat32()
    {
        Assert.That(QuantizationMath.SymmetricScale(2.54f), Is.EqualTo(2.54f / 127f));
        Assert.That(QuantizationMath.SymmetricScale(127f), Is.EqualTo(1f));
        Assert.That(QuantizationMath.SymmetricScale(0f), Is.EqualTo(1f / 127f));
    }

    [Test]
    public void AsymmetricUInt8CoversTheRangeAndKeepsZeroExact()
    {
        var (scale, zp) = QuantizationMath.AsymmetricUInt8(-1f, 3f);
        Assert.That(scale, Is.EqualTo(4f / 255f));
        Assert.That(zp, Is.EqualTo(64)); // round(1 / (4/255)) = round(63.75)
        // A positive-only range is widened down to 0: zero point 0.
        Assert.That(QuantizationMath.AsymmetricUInt8(0.5f, 2f), Is.EqualTo((2f / 255f, 0)));
        // A negative-only range is widened up to 0: zero point 255.
        Assert.That(QuantizationMath.AsymmetricUInt8(-2f, -1f), Is.EqualTo((2f / 255f, 255)));
        Assert.That(QuantizationMath.AsymmetricUInt8(0f, 0f), Is.EqualTo((1f / 127f, 0)));
    }

    [Test]
    public void BiasRoundsHalfToEvenAndSaturates()
    {
        var q = QuantizationMath.QuantizeBiasInt32([2.5f, -3.5f, 1e12f, 0.25f], [1f, 1f, 1f, 0.5f]);
        Assert.That(q, Is.EqualTo(new[] { 2, -4, int.MaxValue, 0 }));
    }
}
