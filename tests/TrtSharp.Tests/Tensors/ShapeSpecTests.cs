using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Tensors;

[TestFixture]
public class ShapeSpecTests
{
    [Test]
    public void ParsesSeveralShapesAndNamesWithColons()
    {
        var s = ShapeSpec.Parse("input_1:8x76x32x1, x:0:3");
        Assert.That(s["input_1"], Is.EqualTo(new long[] { 8, 76, 32, 1 }));
        Assert.That(s["x:0"], Is.EqualTo(new long[] { 3 }));
    }

    [Test]
    public void ParsesProfiles()
    {
        var p = ShapeSpec.ParseProfiles("input_1:1x76x32x1/8x76x32x1/32x76x32x1");
        Assert.That(p["input_1"].Max, Is.EqualTo(new long[] { 32, 76, 32, 1 }));
    }

    [TestCase("input")]
    [TestCase("input:1xax3")]
    [TestCase("input:1x2/3x4")]
    public void BadSpecsAreRefused(string text)
    {
        Assert.Throws<FormatException>(() => ShapeSpec.ParseProfiles(text));
    }

    [Test]
    public void ProfileOrderIsChecked()
    {
        var ex = Assert.Throws<FormatException>(() => ShapeSpec.ParseProfiles("x:4/2/8"));
        Assert.That(ex!.Message, Does.Contain("min ≤ opt ≤ max"));
    }

    [Test]
    public void RandomInputsResolveDynamicDimsAndCheckFixedOnes()
    {
        var d = new TensorDescriptor("x", TensorElementType.Float, [-1, 3]);
        Assert.That(RandomTensors.ResolveShape(d, null), Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(RandomTensors.ResolveShape(d, new Dictionary<string, long[]> { ["x"] = [5, 3] }), Is.EqualTo(new long[] { 5, 3 }));
        Assert.Throws<TensorShapeException>(() => RandomTensors.ResolveShape(d, new Dictionary<string, long[]> { ["x"] = [5, 4] }));
    }

    [Test]
    public void RandomTensorsAreSeededAndInRange()
    {
        var a = (HostTensor<float>)RandomTensors.Create(TensorElementType.Float, [100], new Random(7));
        var b = (HostTensor<float>)RandomTensors.Create(TensorElementType.Float, [100], new Random(7));
        Assert.That(a.Data, Is.EqualTo(b.Data));
        Assert.That(a.Data, Has.All.InRange(-1f, 1f));
        var i = (HostTensor<long>)RandomTensors.Create(TensorElementType.Int64, [100], new Random(7));
        Assert.That(i.Data, Has.All.InRange(0L, 9L));
    }
}
