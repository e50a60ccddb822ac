using Google.Protobuf;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;
using TrtSharp.Tests.Cli;
using TrtSharp.Tests.OnnxRuntime;

namespace TrtSharp.Tests.BadInputs;

/// <summary>Hostile ONNX models: corrupt bytes, absurd protobuf sizes and depth, lying tensors, escaping external data.</summary>
internal static class BadModelFiles
{
    /// <summary>The valid model every corruption starts from: x[1,4] → Relu → Add(c) → Mul(2) → y.</summary>
    public static ModelProto Valid() => CliModels.Chain(CliModels.C);

    public static IEnumerable<BadInput> All()
    {
        byte[] valid = Valid().ToByteArray();
        yield return Bytes("model-empty", "empty", []);
        yield return Bytes("model-text", "not an ONNX model", "this is a text file, not an ONNX model\n"u8.ToArray());
        foreach (int percent in new[] { 10, 25, 50, 75, 99 })
        {
            yield return Bytes($"model-truncated-{percent}", "", valid[..(valid.Length * percent / 100)]);
        }
        var random = new Random(1302);
        for (int k = 0; k < 12; k++)
        {
            byte[] flipped = (byte[])valid.Clone();
            int flips = 1 + (k % 4);
            for (int f = 0; f < flips; f++)
            {
                flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            }
            yield return new BadInput($"model-bitflip-{k}", BadInputKind.Model, "", dir => Save(dir, "model.onnx", flipped), "*");
        }
        // ir_version 8, then a graph field (7) declaring ~2 GiB with a few bytes behind it.
        yield return Bytes("model-absurd-length", "", [0x08, 0x08, 0x3A, 0xF0, 0xFF, 0xFF, 0xFF, 0x07, 0x0A, 0x00]);
        yield return Bytes("model-absurd-varint", "", [0x08, .. Enumerable.Repeat((byte)0xFF, 11)]);
        yield return Bytes("model-deep-nesting", "", DeeplyNested(2000));
        yield return Proto("model-nested-subgraphs", "", NestedIfs(60));
        yield return Proto("model-no-ir-version", "no IR version", Edit(m => m.IrVersion = 0));
        yield return Proto("model-no-graph", "no graph", new ModelProto { IrVersion = 8 });
        yield return Bytes("model-is-a-tensor", "", new TensorProto { Name = "t", DataType = 1, Dims = { 2 }, FloatData = { 1f, 2f } }.ToByteArray());
        yield return Proto("model-raw-data-short", "raw_data has 8 bytes", Initializer(t => t.RawData = ByteString.CopyFrom(new byte[8])));
        yield return Proto("model-dims-beyond-data", "raw_data has 16 bytes", Initializer(t =>
        {
            t.Dims.Clear();
            t.Dims.Add([1_000_000, 1_000_000]);
            t.RawData = ByteString.CopyFrom(new byte[16]);
        }));
        yield return Proto("model-dims-overflow", "", Initializer(t =>
        {
            t.Dims.Clear();
            t.Dims.Add([1L << 62, 1L << 62]);
            t.RawData = ByteString.CopyFrom(new byte[16]);
        }));
        yield return Proto("model-dims-negative", "negative", Initializer(t =>
        {
            t.Dims.Clear();
            t.Dims.Add(-4);
        }));
        yield return Proto("model-typed-data-short", "float_data has 4 values", Initializer(t =>
        {
            t.Dims.Clear();
            t.Dims.Add(1_000_000_000);
        }));
        yield return Proto("model-strings-short", "string_data has 1 values", Edit(m =>
        {
            var s = new TensorProto { Name = "s", DataType = (int)TensorElementType.String, Dims = { 3 } };
            s.StringData.Add(ByteString.CopyFromUtf8("one"));
            m.Graph.Initializer.Add(s);
        }));
        yield return Proto("model-unknown-element-type", "element type code 99", Initializer(t => t.DataType = 99));
        yield return Proto("model-undefined-element-type", "element type code 0", Initializer(t => t.DataType = 0));
        yield return External("model-external-escapes", "escapes the model folder", "../../../../../../../../etc/passwd", null, 4);
        yield return External("model-external-absolute", "must be a relative path", "/etc/passwd", null, 4);
        yield return External("model-external-symlink", "escapes the model folder", "weights.bin", dir => File.CreateSymbolicLink(Path.Combine(dir, "weights.bin"), "/etc/passwd"), 4);
        yield return External("model-external-dir-symlink", "escapes the model folder", "etc/passwd", dir => Directory.CreateSymbolicLink(Path.Combine(dir, "etc"), "/etc"), 4);
        yield return External("model-external-missing", "not found", "weights.bin", null, 16);
        yield return External("model-external-short", "has 8 bytes but its shape needs 16", "weights.bin", dir => File.WriteAllBytes(Path.Combine(dir, "weights.bin"), new byte[8]), null);
        yield return External("model-external-offset-beyond", "too few", "weights.bin", dir => File.WriteAllBytes(Path.Combine(dir, "weights.bin"), new byte[16]), 16, offset: "1000");
        yield return External("model-external-length-overflow", "too few", "weights.bin", dir => File.WriteAllBytes(Path.Combine(dir, "weights.bin"), new byte[16]), long.MaxValue, offset: "8");
        yield return External("model-external-bad-offset", "not a non-negative integer", "weights.bin", dir => File.WriteAllBytes(Path.Combine(dir, "weights.bin"), new byte[16]), 16, offset: "-5");
        yield return External("model-external-no-location", "no 'location' key", null, null, 16);
        // Valid as a file: inspect shows it; what runs it must refuse before allocating 40 GB of random input.
        yield return new BadInput("model-input-shape-huge", BadInputKind.Model, "too large", dir => Save(dir, "model.onnx", HugeInput()), "inspect");
        yield return new BadInput("model-unknown-operator", BadInputKind.Model, "", dir => Save(dir, "model.onnx", Edit(m => m.Graph.Node[0].OpType = "relu")), "inspect");
        yield return new BadInput("model-cycle", BadInputKind.Model, "", dir => Save(dir, "model.onnx", Edit(m => m.Graph.Node[0].Input[0] = "y")), "inspect");
        yield return new BadInput("model-undefined-input", BadInputKind.Model, "", dir => Save(dir, "model.onnx", Edit(m => m.Graph.Node[1].Input[0] = "nowhere")), "inspect");
        yield return new BadInput("model-opset-absurd", BadInputKind.Model, "", dir => Save(dir, "model.onnx", Edit(m => m.OpsetImport[0].Version = 99999)), "inspect");
    }

    private static BadInput Bytes(string name, string problem, byte[] bytes) =>
        new(name, BadInputKind.Model, problem, dir => Save(dir, "model.onnx", bytes));

    private static BadInput Proto(string name, string problem, ModelProto model) =>
        new(name, BadInputKind.Model, problem, dir => Save(dir, "model.onnx", model));

    private static string Save(string dir, string file, ModelProto model) => Save(dir, file, model.ToByteArray());

    private static string Save(string dir, string file, byte[] bytes)
    {
        string path = Path.Combine(dir, file);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static ModelProto Edit(Action<ModelProto> edit)
    {
        ModelProto model = Valid();
        edit(model);
        return model;
    }

    // The chain's constant 'c' (float[4]) edited.
    private static ModelProto Initializer(Action<TensorProto> edit) => Edit(m => edit(m.Graph.Initializer.Single(t => t.Name == "c")));

    // 'c' moved to an external file; null location leaves the key out, null length leaves it out too.
    private static BadInput External(string name, string problem, string? location, Action<string>? prepare, long? length, string offset = "0") =>
        new(name, BadInputKind.Model, problem, dir =>
        {
            prepare?.Invoke(dir);
            return Save(dir, "model.onnx", Initializer(t =>
            {
                t.FloatData.Clear();
                if (length is not null && length != 16)
                {
                    t.Dims.Clear();
                    t.Dims.Add(length.Value == long.MaxValue ? 4 : length.Value / 4);
                }
                t.DataLocation = TensorProto.Types.DataLocation.External;
                if (location is not null)
                {
                    t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
                }
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
                if (length is not null)
                {
                    t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                }
            }));
        });

    // x declared float[100000, 100000]: 40 GB if anyone allocated it.
    private static ModelProto HugeInput()
    {
        var graph = new GraphProto { Name = "huge" };
        graph.Input.Add(TestModels.Value("x", TensorElementType.Float, 100_000, 100_000));
        graph.Output.Add(TestModels.Value("y", TensorElementType.Float, 100_000, 100_000));
        graph.Node.Add(TestModels.Node("Relu", ["x"], ["y"]));
        return TestModels.Model(graph);
    }

    // If nodes nested through then_branch, each level three protobuf messages deep (graph → node → attribute).
    private static ModelProto NestedIfs(int depth)
    {
        GraphProto inner = new() { Name = "leaf" };
        for (int level = 0; level < depth; level++)
        {
            var node = new NodeProto { OpType = "If", Name = $"if{level}", Input = { "cond" }, Output = { $"o{level}" } };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = inner });
            inner = new GraphProto { Name = $"level{level}", Node = { node } };
        }
        return Edit(m => m.Graph.Node.Add(inner.Node[0]));
    }

    // Raw bytes of a model whose graph nests node → attribute → graph <paramref name="levels"/> times, built inside out.
    private static byte[] DeeplyNested(int levels)
    {
        byte[] inner = [];
        for (int k = 0; k < levels; k++)
        {
            inner = Field(6, inner);   // AttributeProto.g
            inner = Field(5, inner);   // NodeProto.attribute
            inner = Field(1, inner);   // GraphProto.node
        }
        return [0x08, 0x08, .. Field(7, inner)];
    }

    private static byte[] Field(int number, byte[] payload)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(payload));
        output.Flush();
        return buffer.ToArray();
    }
}
