using System.Runtime.InteropServices;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.OnnxRuntime;

/// <summary>
/// Reads the ONNX backend test cases of Debian's libonnx-testdata. A deliberately tiny TensorProto reader
/// (raw_data and the typed repeated fields for the few types these tests use): the library's full converter lives elsewhere.
/// </summary>
internal static class OrtTestData
{
    public const string Root = "/usr/share/libonnx-testdata/data";

    public static string Case(string relative)
    {
        string dir = Path.Combine(Root, relative);
        if (!File.Exists(Path.Combine(dir, "model.onnx")))
        {
            Assert.Fail($"libonnx-testdata case {dir} is missing; install the Debian package libonnx-testdata");
        }
        return dir;
    }

    public static (List<(string Name, HostTensor Tensor)> Inputs, List<(string Name, HostTensor Tensor)> Outputs) LoadSet(string caseDir, int set = 0)
    {
        string dir = Path.Combine(caseDir, $"test_data_set_{set}");
        return (ReadAll(dir, "input"), ReadAll(dir, "output"));
    }

    private static List<(string, HostTensor)> ReadAll(string dir, string prefix)
    {
        var list = new List<(string, HostTensor)>();
        for (int i = 0; File.Exists(Path.Combine(dir, $"{prefix}_{i}.pb")); i++)
        {
            TensorProto proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, $"{prefix}_{i}.pb")));
            list.Add((proto.Name, ToHost(proto)));
        }
        return list;
    }

    public static HostTensor ToHost(TensorProto proto)
    {
        long[] dims = proto.Dims.ToArray();
        var type = (TensorElementType)proto.DataType;
        HostTensor tensor = HostTensor.Allocate(type, dims);
        if (!proto.RawData.IsEmpty)
        {
            proto.RawData.Span.CopyTo(tensor.AsBytes());
            return tensor;
        }
        switch (tensor)
        {
            case HostTensor<float> f:
                proto.FloatData.ToArray().CopyTo(f.Data, 0);
                break;
            case HostTensor<double> d:
                proto.DoubleData.ToArray().CopyTo(d.Data, 0);
                break;
            case HostTensor<long> l:
                proto.Int64Data.ToArray().CopyTo(l.Data, 0);
                break;
            case HostTensor<int> n:
                proto.Int32Data.ToArray().CopyTo(n.Data, 0);
                break;
            case HostTensor<bool> b:
                for (int i = 0; i < proto.Int32Data.Count; i++)
                {
                    b.Data[i] = proto.Int32Data[i] != 0;
                }
                break;
            default:
                Assert.Fail($"test reader does not handle {type} without raw_data");
                break;
        }
        return tensor;
    }

    /// <summary>Asserts |a−e| ≤ atol + rtol·|e| element-wise (exact for non-float types).</summary>
    public static void AssertClose(HostTensor expected, HostTensor actual, string what, double rtol = 1e-3, double atol = 1e-5)
    {
        Assert.That(actual.ElementType, Is.EqualTo(expected.ElementType), $"{what}: element type");
        Assert.That(actual.ShapeArray(), Is.EqualTo(expected.ShapeArray()), $"{what}: shape");
        if (expected is HostTensor<float> ef && actual is HostTensor<float> af)
        {
            for (int i = 0; i < ef.Data.Length; i++)
            {
                double tol = atol + rtol * Math.Abs(ef.Data[i]);
                if (Math.Abs(af.Data[i] - ef.Data[i]) > tol)
                {
                    Assert.Fail($"{what}: element {i} is {af.Data[i]}, expected {ef.Data[i]} (tolerance {tol})");
                }
            }
            return;
        }
        Assert.That(actual.AsBytes().ToArray(), Is.EqualTo(expected.AsBytes().ToArray()), $"{what}: values");
    }

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        }
        return data;
    }

    public static Span<byte> Bytes<T>(T[] data) where T : unmanaged => MemoryMarshal.AsBytes(data.AsSpan());
}
