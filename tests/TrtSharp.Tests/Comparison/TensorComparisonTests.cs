using TrtSharp.Comparison;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Comparison;

[TestFixture]
public class TensorComparisonTests
{
    private static readonly Tolerance Default = Tolerance.OnnxBackendDefault;

    [Test]
    public void FloatsWithinRelativeTolerancePass()
    {
        var a = new HostTensor<float>([3], [1.0f, 100.05f, -2f]);
        var e = new HostTensor<float>([3], [1.0f, 100.0f, -2f]);
        var r = TensorComparison.Compare(a, e, Default);
        Assert.That(r.Passed, Is.True, r.Reason);
        Assert.That(r.MaxAbsoluteError, Is.EqualTo(0.05).Within(1e-5));
    }

    [Test]
    public void FloatsOutsideToleranceFailWithTheFirstIndex()
    {
        var a = new HostTensor<float>([3], [1.0f, 100.2f, -2.1f]);
        var e = new HostTensor<float>([3], [1.0f, 100.0f, -2f]);
        var r = TensorComparison.Compare(a, e, Default);
        Assert.That(r.Passed, Is.False);
        Assert.That(r.MismatchCount, Is.EqualTo(2));
        Assert.That(r.FirstMismatchIndex, Is.EqualTo(1));
    }

    [Test]
    public void IntegersAreComparedExactlyWhateverTheTolerance()
    {
        var a = new HostTensor<long>([2], [1000, 1001]);
        var e = new HostTensor<long>([2], [1000, 1000]);
        Assert.That(TensorComparison.Compare(a, e, new Tolerance(1, 10)).Passed, Is.False);
    }

    [Test]
    public void NaNMatchesNaNOnly()
    {
        var a = new HostTensor<float>([2], [float.NaN, 1]);
        Assert.That(TensorComparison.Compare(a, new HostTensor<float>([2], [float.NaN, 1]), Default).Passed, Is.True);
        Assert.That(TensorComparison.Compare(a, new HostTensor<float>([2], [0, 1]), Default).Passed, Is.False);
    }

    [Test]
    public void ShapeAndTypeMismatchesAreExplained()
    {
        var a = new HostTensor<float>([2, 1], [1, 2]);
        Assert.That(TensorComparison.Compare(a, new HostTensor<float>([2], [1, 2]), Default).Reason, Does.Contain("shape [2, 1]"));
        Assert.That(TensorComparison.Compare(a, new HostTensor<double>([2, 1], [1, 2]), Default).Reason, Does.Contain("element type float"));
    }

    [Test]
    public void StringsCompareByValue()
    {
        var a = new StringTensor([2], ["x", "y"]);
        Assert.That(TensorComparison.Compare(a, new StringTensor([2], ["x", "y"]), Default).Passed, Is.True);
        Assert.That(TensorComparison.Compare(a, new StringTensor([2], ["x", "z"]), Default).Passed, Is.False);
    }
}
