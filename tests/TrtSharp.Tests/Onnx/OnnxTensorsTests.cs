using System.Numerics;
using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.Onnx;

[TestFixture]
public class OnnxTensorsTests
{
    private static IEnumerable<TensorElementType> AllNumericTypes() =>
        Enum.GetValues<TensorElementType>().Where(t => t is not TensorElementType.Undefined and not TensorElementType.String);

    /// <summary>A tensor of shape [2, 3] (7 elements for the odd-count 4-bit case) with distinct byte patterns.</summary>
    private static HostTensor Sample(TensorElementType type)
    {
        long[] shape = TensorElementTypeInfo.IsPacked4Bit(type) ? [7] : [2, 3];
        var t = HostTensor.Allocate(type, shape);
        var bytes = t.AsBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = type == TensorElementType.Bool ? (byte)(i % 2) : (byte)(i * 37 + 11);
        }
        if (TensorElementTypeInfo.IsPacked4Bit(type))
        {
            bytes[^1] &= 0x0F; // the unused high nibble of an odd count is zero
        }
        return t;
    }

    [TestCaseSource(nameof(AllNumericTypes))]
    public void EveryElementTypeRoundTripsThroughSerializedTensorProto(TensorElementType type)
    {
        var original = Sample(type);
        byte[] wire = OnnxTensors.FromHostTensor(original, "t").ToByteArray();
        var proto = TensorProto.Parser.ParseFrom(wire);
        Assert.That(proto.HasRawData, Is.True);
        var back = OnnxTensors.ToHostTensor(proto);
        Assert.Multiple(() =>
        {
            Assert.That(back.ElementType, Is.EqualTo(type));
            Assert.That(back.ShapeArray(), Is.EqualTo(original.ShapeArray()));
            Assert.That(back.AsBytes().ToArray(), Is.EqualTo(original.AsBytes().ToArray()));
        });
    }

    [Test]
    public void StringsRoundTripAsUtf8StringData()
    {
        var original = new StringTensor([3], ["a", "héllo", ""]);
        var proto = OnnxTensors.FromHostTensor(original, "s");
        Assert.That(proto.StringData[1].ToByteArray(), Is.EqualTo(new byte[] { 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F }));
        var back = (StringTensor)OnnxTensors.ToHostTensor(TensorProto.Parser.ParseFrom(proto.ToByteArray()));
        Assert.That(back.Data, Is.EqualTo(new[] { "a", "héllo", "" }));
    }

    [Test]
    public void RawDataIsLittleEndian()
    {
        var proto = OnnxTensors.FromHostTensor(new HostTensor<int>([2], [1, 0x01020304]), "x");
        Assert.That(proto.RawData.ToByteArray(), Is.EqualTo(new byte[] { 1, 0, 0, 0, 4, 3, 2, 1 }));
    }

    private static TensorProto Typed(TensorElementType type, params long[] dims)
    {
        var p = new TensorProto { Name = "typed", DataType = (int)type };
        p.Dims.AddRange(dims);
        return p;
    }

    [Test]
    public void TypedFieldsAreReadPerTheSpec()
    {
        var f = Typed(TensorElementType.Float, 2);
        f.FloatData.Add([1.5f, -2f]);
        Assert.That(((HostTensor<float>)OnnxTensors.ToHostTensor(f)).Data, Is.EqualTo(new[] { 1.5f, -2f }));

        var h = Typed(TensorElementType.Float16, 2);
        h.Int32Data.Add([0x3C00, 0xC100]); // 1.0, -2.5
        Assert.That(((HostTensor<Half>)OnnxTensors.ToHostTensor(h)).Data, Is.EqualTo(new[] { (Half)1.0f, (Half)(-2.5f) }));

        var bf = Typed(TensorElementType.BFloat16, 1);
        bf.Int32Data.Add(0x3FC0); // 1.5
        Assert.That(((HostTensor<BFloat16>)OnnxTensors.ToHostTensor(bf)).Data[0].ToSingle(), Is.EqualTo(1.5f));

        var i8 = Typed(TensorElementType.Int8, 3);
        i8.Int32Data.Add([-5, 127, -128]);
        Assert.That(((HostTensor<sbyte>)OnnxTensors.ToHostTensor(i8)).Data, Is.EqualTo(new sbyte[] { -5, 127, -128 }));

        var u16 = Typed(TensorElementType.UInt16, 1);
        u16.Int32Data.Add(65535);
        Assert.That(((HostTensor<ushort>)OnnxTensors.ToHostTensor(u16)).Data, Is.EqualTo(new ushort[] { 65535 }));

        var b = Typed(TensorElementType.Bool, 3);
        b.Int32Data.Add([0, 1, 2]);
        Assert.That(((HostTensor<bool>)OnnxTensors.ToHostTensor(b)).Data, Is.EqualTo(new[] { false, true, true }));

        var i64 = Typed(TensorElementType.Int64, 1);
        i64.Int64Data.Add(long.MinValue);
        Assert.That(((HostTensor<long>)OnnxTensors.ToHostTensor(i64)).Data, Is.EqualTo(new[] { long.MinValue }));

        var u32 = Typed(TensorElementType.UInt32, 1);
        u32.Uint64Data.Add(uint.MaxValue);
        Assert.That(((HostTensor<uint>)OnnxTensors.ToHostTensor(u32)).Data, Is.EqualTo(new[] { uint.MaxValue }));

        var u64 = Typed(TensorElementType.UInt64, 1);
        u64.Uint64Data.Add(ulong.MaxValue);
        Assert.That(((HostTensor<ulong>)OnnxTensors.ToHostTensor(u64)).Data, Is.EqualTo(new[] { ulong.MaxValue }));

        var d = Typed(TensorElementType.Double, 1);
        d.DoubleData.Add(Math.PI);
        Assert.That(((HostTensor<double>)OnnxTensors.ToHostTensor(d)).Data, Is.EqualTo(new[] { Math.PI }));

        var c64 = Typed(TensorElementType.Complex64, 1);
        c64.FloatData.Add([1f, -3f]);
        Assert.That(((HostTensor<Complex64>)OnnxTensors.ToHostTensor(c64)).Data, Is.EqualTo(new[] { new Complex64(1f, -3f) }));

        var c128 = Typed(TensorElementType.Complex128, 1);
        c128.DoubleData.Add([2.0, 0.5]);
        Assert.That(((HostTensor<Complex>)OnnxTensors.ToHostTensor(c128)).Data, Is.EqualTo(new[] { new Complex(2.0, 0.5) }));

        var i4 = Typed(TensorElementType.Int4, 3);
        i4.Int32Data.Add([0x21, 0x0F]); // elements 1, 2, -1: low nibble first
        Assert.That(((HostTensor<byte>)OnnxTensors.ToHostTensor(i4)).Data, Is.EqualTo(new byte[] { 0x21, 0x0F }));

        var f8 = Typed(TensorElementType.Float8E4M3FN, 1);
        f8.Int32Data.Add(0x38); // 1.0 in E4M3
        Assert.That(((HostTensor<byte>)OnnxTensors.ToHostTensor(f8)).Data, Is.EqualTo(new byte[] { 0x38 }));
    }

    [Test]
    public void RawDataSizeMismatchNamesTheTensor()
    {
        var p = Typed(TensorElementType.Float, 3);
        p.Name = "weights";
        p.RawData = ByteString.CopyFrom(new byte[10]);
        var e = Assert.Throws<TensorShapeException>(() => OnnxTensors.ToHostTensor(p));
        Assert.That(e!.TensorName, Is.EqualTo("weights"));
        Assert.That(e.Message, Does.Contain("10 bytes").And.Contain("12"));
    }

    [Test]
    public void HugeDimensionsAreRefusedWithoutAllocating()
    {
        var p = Typed(TensorElementType.Float, 1L << 20, 1L << 20);
        p.RawData = ByteString.CopyFrom(new byte[8]);
        Assert.That(Assert.Throws<TensorShapeException>(() => OnnxTensors.ToHostTensor(p))!.Message, Does.Contain("8 bytes"));
        var overflow = Typed(TensorElementType.Double, long.MaxValue / 2, 4);
        Assert.That(Assert.Throws<TensorShapeException>(() => OnnxTensors.ToHostTensor(overflow))!.Message, Does.Contain("too large"));
    }

    [Test]
    public void TypedFieldCountMismatchAndMissingDataAreRefused()
    {
        var p = Typed(TensorElementType.Int64, 2);
        p.Int64Data.Add(1);
        Assert.That(Assert.Throws<TensorShapeException>(() => OnnxTensors.ToHostTensor(p))!.Message, Does.Contain("int64_data has 1"));
        var empty = Typed(TensorElementType.Float, 4);
        Assert.That(Assert.Throws<TensorShapeException>(() => OnnxTensors.ToHostTensor(empty))!.Message, Does.Contain("no data"));
    }

    [Test]
    public void UndefinedAndUnknownTypesAreRefused()
    {
        Assert.Throws<UnsupportedDataTypeException>(() => OnnxTensors.ToHostTensor(new TensorProto { Name = "u", DataType = 0 }));
        Assert.Throws<UnsupportedDataTypeException>(() => OnnxTensors.ToHostTensor(new TensorProto { Name = "u", DataType = 99 }));
    }

    [Test]
    public void ExternalTensorWithoutFolderIsRefused()
    {
        var p = Typed(TensorElementType.Float, 1);
        p.DataLocation = TensorProto.Types.DataLocation.External;
        p.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        Assert.That(Assert.Throws<ModelFormatException>(() => OnnxTensors.ToHostTensor(p))!.Message, Does.Contain("typed"));
    }

    [Test]
    public void BackendTestTensorFileIsRead()
    {
        const string path = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/test_data_set_0/input_0.pb";
        if (!File.Exists(path))
        {
            Assert.Ignore("libonnx-testdata is not installed");
        }
        var (_, tensor) = TensorProtoFile.Read(path);
        Assert.That(tensor.ShapeArray(), Is.EqualTo(new long[] { 2, 3, 7, 5 }));
        // First four raw bytes are 1f 6c 7b bf (decoded with protoc --decode_raw and Python struct).
        Assert.That(((HostTensor<float>)tensor).Data[0], Is.EqualTo(-0.982118546962738f));
    }

    [Test]
    public void SequenceFilesAreReadAsSequencesAndRefusedAsTensors()
    {
        const string path = "/usr/share/libonnx-testdata/data/node/test_sequence_map_identity_1_sequence/test_data_set_0/input_0.pb";
        if (!File.Exists(path))
        {
            Assert.Ignore("libonnx-testdata is not installed");
        }
        // protoc --decode_raw shows name "x", elem_type 1 and three float tensors of dims [10].
        var (name, tensors) = TensorProtoFile.ReadSequence(path);
        Assert.That(name, Is.EqualTo("x"));
        Assert.That(tensors.Select(t => t.ToString()), Is.EqualTo(new[] { "float[10]", "float[10]", "float[10]" }));
        var e = Assert.Throws<ModelFormatException>(() => TensorProtoFile.Read(path));
        Assert.That(e!.Reason, Does.Contain("SequenceProto"));
    }

    [Test]
    public void TensorProtoFileRoundTripsAndRefusesGarbage()
    {
        using var dir = new TempDir();
        string path = dir.File("input_0.pb");
        TensorProtoFile.Write(path, new HostTensor<long>([2], [7, -9]), "ids");
        var (name, tensor) = TensorProtoFile.Read(path);
        Assert.That(name, Is.EqualTo("ids"));
        Assert.That(((HostTensor<long>)tensor).Data, Is.EqualTo(new long[] { 7, -9 }));

        string bad = dir.File("bad.pb");
        File.WriteAllText(bad, "this is not a tensor\n");
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorProtoFile.Read(bad))!.FilePath, Is.EqualTo(bad));
        string empty = dir.File("empty.pb");
        File.WriteAllBytes(empty, []);
        Assert.That(Assert.Throws<ModelFormatException>(() => TensorProtoFile.Read(empty))!.Message, Does.Contain("empty"));
    }
}
