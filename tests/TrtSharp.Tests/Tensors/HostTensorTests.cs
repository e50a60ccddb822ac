using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Tensors;

[TestFixture]
public class HostTensorTests
{
    [Test]
    public void AllocateGivesZeroedStorageOfTheRightType()
    {
        var t = HostTensor.Allocate(TensorElementType.Float16, [2, 3]);
        Assert.That(t, Is.TypeOf<HostTensor<Half>>());
        Assert.That(t.ElementCount, Is.EqualTo(6));
        Assert.That(t.AsBytes().Length, Is.EqualTo(12));
    }

    [Test]
    public void Packed4BitTensorsUseHalfAByteEach()
    {
        var t = HostTensor.Allocate(TensorElementType.Int4, [5]);
        Assert.That(((HostTensor<byte>)t).Data, Has.Length.EqualTo(3));
    }

    [Test]
    public void WrongDataLengthIsRefused()
    {
        Assert.Throws<TensorShapeException>(() => _ = new HostTensor<float>([2, 2], new float[3]));
    }

    [Test]
    public void NegativeDimensionIsRefused()
    {
        Assert.Throws<TensorShapeException>(() => _ = new HostTensor<float>([-1, 2], new float[2]));
    }

    [TestCase(1.0f, (ushort)0x3F80)]
    [TestCase(-2.5f, (ushort)0xC020)]
    [TestCase(1.00390625f, (ushort)0x3F80)] // exactly halfway: ties to even
    [TestCase(1.01171875f, (ushort)0x3F82)] // halfway, odd below: rounds up
    public void BFloat16RoundsToNearestEven(float value, ushort bits)
    {
        Assert.That(BFloat16.FromSingle(value).Bits, Is.EqualTo(bits));
    }
}
