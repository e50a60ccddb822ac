using Google.Protobuf;
using TrtSharp.IO;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Calibration;
using TrtSharp.TensorRT;
using TrtSharp.Tensors;
using TrtSharp.Tools.Audio;

namespace TrtSharp.Fuzz;

/// <summary>Small valid files per harness, written by the library's own writers: where the fuzzers start mutating.</summary>
internal static class SeedCorpus
{
    /// <summary>Writes <c>&lt;folder&gt;/&lt;harness&gt;/seed-N</c> for every harness.</summary>
    public static void Write(string folder)
    {
        Save(folder, "onnx", Model().ToByteArray());
        Save(folder, "tensor", [.. Tensors().Select(t => t.ToByteArray())]);
        Save(folder, "npy", [.. Arrays().Select(a => Bytes(s => NpyFile.Write(s, a)))]);
        Save(folder, "npz", Npz(compress: false), Npz(compress: true));
        var cache = CalibrationCache.FromAmax([new("x", 1.5f), new("conv_1/out:0", 0.25f)], CalibrationCache.EncodeVersion(10, 16, 1), CalibrationCacheAlgorithm.EntropyCalibration2);
        Save(folder, "cache", System.Text.Encoding.UTF8.GetBytes(cache.ToText()));
        var manifest = new PlanManifest
        {
            TensorRtVersion = "10.16.1", GpuName = "NVIDIA H100", ComputeCapability = "9.0",
            ModelSha256 = new string('a', 64), PlanSha256 = new string('b', 64),
            Options = new Dictionary<string, string> { ["fp16"] = "true" },
        };
        Save(folder, "manifest", System.Text.Encoding.UTF8.GetBytes(ReportJson.Serialize(manifest)));
        Save(folder, "wav",
            Bytes(s => WavFile.Write(s, new PcmAudio(16000, 1, [0, 1000, -1000, short.MaxValue, short.MinValue, 7]))),
            Bytes(s => WavFile.Write(s, new PcmAudio(16000, 2, [1, 2, 3, 4]))));
    }

    private static void Save(string folder, string harness, params byte[][] seeds)
    {
        string dir = Path.Combine(folder, harness);
        Directory.CreateDirectory(dir);
        for (int k = 0; k < seeds.Length; k++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"seed-{k}"), seeds[k]);
        }
    }

    private static byte[] Bytes(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    private static byte[] Npz(bool compress) => Bytes(s =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"trtsharp-seed-{Guid.NewGuid():N}.npz");
        try
        {
            NpzFile.Write(path, new Dictionary<string, HostTensor> { ["x"] = Arrays()[0], ["mask"] = Arrays()[2] }, compress);
            using var file = File.OpenRead(path);
            file.CopyTo(s);
        }
        finally
        {
            File.Delete(path);
        }
    });

    private static HostTensor[] Arrays() =>
    [
        new HostTensor<float>([2, 3], [0f, 1f, -1f, 0.5f, 2f, float.NaN]),
        new HostTensor<long>([4], [1L, -2L, 3L, long.MaxValue]),
        new HostTensor<bool>([2, 2], [true, false, false, true]),
        new HostTensor<Half>([], [(Half)1.5f]),
    ];

    private static TensorProto[] Tensors()
    {
        var typed = new TensorProto { Name = "i", DataType = (int)TensorElementType.Int32, Dims = { 3 }, Int32Data = { 1, -2, 3 } };
        var strings = new TensorProto { Name = "s", DataType = (int)TensorElementType.String, Dims = { 2 } };
        strings.StringData.Add([ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("bc")]);
        var half = new TensorProto { Name = "h", DataType = (int)TensorElementType.Float16, Dims = { 2 }, Int32Data = { 0x3C00, 0xC000 } };
        return [OnnxTensors.FromHostTensor(Arrays()[0], "x"), typed, strings, half];
    }

    // x[1,4] → Add(c) → Relu → y, with an If whose branches hold a constant: initializers, attributes and a subgraph.
    private static ModelProto Model()
    {
        var graph = new GraphProto { Name = "seed" };
        graph.Input.Add(Value("x"));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(OnnxTensors.FromHostTensor(new HostTensor<float>([1, 4], [0.1f, 0.2f, 0.3f, 0.4f]), "c"));
        graph.Initializer.Add(new TensorProto { Name = "k", DataType = (int)TensorElementType.Int64, Dims = { 2 }, Int64Data = { 1, 4 } });
        graph.Node.Add(new NodeProto { OpType = "Add", Name = "add", Input = { "x", "c" }, Output = { "a" } });
        graph.Node.Add(new NodeProto { OpType = "Reshape", Name = "reshape", Input = { "a", "k" }, Output = { "r" } });
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "relu", Input = { "r" }, Output = { "y" } });
        var branch = new GraphProto { Name = "branch" };
        branch.Output.Add(Value("b"));
        var constant = new NodeProto { OpType = "Constant", Name = "const", Output = { "b" } };
        constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = OnnxTensors.FromHostTensor(new HostTensor<float>([1, 4], new float[4]), "v") });
        branch.Node.Add(constant);
        var conditional = new NodeProto { OpType = "If", Name = "if", Input = { "cond" }, Output = { "z" } };
        conditional.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
        conditional.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
        graph.Node.Add(conditional);
        var model = new ModelProto { IrVersion = 8, ProducerName = "TrtSharp.Fuzz", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static ValueInfoProto Value(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "n" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorElementType.Float, Shape = shape } },
        };
    }
}
