using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Tests.BadInputs;

/// <summary>Hostile serialized TensorProto input files (<c>input_0.pb</c>) for input x: float[1, 4].</summary>
internal static class BadTensorProtoFiles
{
    public static IEnumerable<BadInput> All()
    {
        yield return Pb("pb-empty", "empty", []);
        yield return Pb("pb-garbage", "not a serialized ONNX TensorProto", [0xFF, 0xFF, 0xFF, 0x00, 0x17, 0x42]);
        yield return Pb("pb-no-element-type", "no element type", new TensorProto { Name = "x", Dims = { 1, 4 } }.ToByteArray());
        yield return Pb("pb-unknown-element-type", "element type code 77", Tensor(t => t.DataType = 77));
        yield return Pb("pb-dims-beyond-data", "raw_data has 16 bytes", Tensor(t =>
        {
            t.Dims.Clear();
            t.Dims.Add([1_000_000, 1_000_000]);
        }));
        yield return Pb("pb-dims-overflow", "too large", Tensor(t =>
        {
            t.Dims.Clear();
            t.Dims.Add([1L << 40, 1L << 40]);
        }));
        yield return Pb("pb-dims-negative", "negative", Tensor(t =>
        {
            t.Dims.Clear();
            t.Dims.Add([-1, 4]);
        }));
        yield return Pb("pb-typed-data-short", "float_data has 1 values", Tensor(t =>
        {
            t.ClearRawData();
            t.FloatData.Add(1f);
        }));
        yield return Pb("pb-absurd-length", "", [0x08, 0x01, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00]);
        yield return Pb("pb-sequence", "SequenceProto", new SequenceProto
        {
            Name = "x",
            ElemType = (int)SequenceProto.Types.DataType.Tensor,
            TensorValues = { new TensorProto { Name = "a", DataType = 1, Dims = { 1 }, FloatData = { 1f } } },
        }.ToByteArray());
        yield return Pb("pb-external-escapes", "escapes the model folder", Tensor(t =>
        {
            t.ClearRawData();
            t.DataLocation = TensorProto.Types.DataLocation.External;
            t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../../../../../../etc/passwd" });
            t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        }));
    }

    /// <summary>A valid input_0.pb of x: float[1, 4].</summary>
    public static TensorProto Valid()
    {
        var t = new TensorProto { Name = "x", DataType = (int)TensorElementType.Float, Dims = { 1, 4 } };
        t.RawData = ByteString.CopyFrom(new byte[16]);
        return t;
    }

    private static byte[] Tensor(Action<TensorProto> edit)
    {
        TensorProto t = Valid();
        edit(t);
        return t.ToByteArray();
    }

    private static BadInput Pb(string name, string problem, byte[] bytes) =>
        new(name, BadInputKind.TensorProto, problem, dir =>
        {
            string path = Path.Combine(dir, "input_0.pb");
            File.WriteAllBytes(path, bytes);
            return path;
        });
}
