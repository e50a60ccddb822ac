using Google.Protobuf;
using TrtSharp.Tests.Onnx;
using TrtSharp.Triton;
using TrtSharp.Triton.Protobuf;

namespace TrtSharp.Tests.Triton;

public sealed class ProtoTextWriterTests
{
    private static ModelConfig Sample()
    {
        var config = new ModelConfig { Name = "a \"quoted\" név\\x", Platform = "tensorrt_plan", MaxBatchSize = 4 };
        var input = new ModelInput { Name = "x", DataType = DataType.TypeFp16, Reshape = new ModelTensorReshape() };
        input.Dims.Add([3, -1]);
        config.Input.Add(input);
        config.InstanceGroup.Add(new ModelInstanceGroup { Count = 2, Kind = ModelInstanceGroup.Types.Kind.Gpu });
        config.Parameters.Add("k", new ModelParameter { StringValue = "v" });
        config.DynamicBatching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = 100 };
        return config;
    }

    [Test]
    public void PrintsFieldsInNumberOrderWithEnumNamesListsAndEscapes()
    {
        string expected =
            "name: \"a \\\"quoted\\\" n\\303\\251v\\\\x\"\n" +
            "platform: \"tensorrt_plan\"\n" +
            "max_batch_size: 4\n" +
            "input {\n  name: \"x\"\n  data_type: TYPE_FP16\n  dims: [ 3, -1 ]\n  reshape {\n  }\n}\n" +
            "instance_group {\n  count: 2\n  kind: KIND_GPU\n}\n" +
            "dynamic_batching {\n  max_queue_delay_microseconds: 100\n}\n" +
            "parameters {\n  key: \"k\"\n  value {\n    string_value: \"v\"\n  }\n}\n";
        Assert.That(ProtoTextWriter.Print(Sample()), Is.EqualTo(expected));
    }

    [Test]
    public void ProtobufsOwnTextParserReadsItBackToTheSameMessage()
    {
        // The reference is Google's Python protobuf text-format parser, fed the same schema (our descriptor), so
        // the text is checked by the implementation Triton's parser shares its grammar with.
        PythonNumpy.RequireNumpy();
        string folder = Path.Combine(Path.GetTempPath(), "trtsharp-pbtxt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            ModelConfig config = Sample();
            File.WriteAllBytes(Path.Combine(folder, "schema.pb"), ModelConfigReflection.Descriptor.SerializedData.ToByteArray());
            File.WriteAllText(Path.Combine(folder, "config.pbtxt"), ProtoTextWriter.Print(config));
            string script = """
                from google.protobuf import descriptor_pb2, descriptor_pool, text_format
                from google.protobuf import message_factory
                fdp = descriptor_pb2.FileDescriptorProto.FromString(open('schema.pb', 'rb').read())
                pool = descriptor_pool.DescriptorPool()
                pool.Add(fdp)
                cls = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName('inference.ModelConfig'))
                msg = text_format.Parse(open('config.pbtxt').read(), cls())
                open('parsed.pb', 'wb').write(msg.SerializeToString())
                """;
            string probe = PythonNumpy.Run("try:\n    import google.protobuf\n    print('yes')\nexcept ImportError:\n    print('no')\n", folder);
            if (probe.Trim() != "yes")
            {
                Assert.Ignore("/usr/bin/python3 has no google.protobuf (Debian: python3-protobuf)");
            }
            PythonNumpy.Run(script, folder);
            ModelConfig parsed = ModelConfig.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "parsed.pb")));
            Assert.That(parsed, Is.EqualTo(config));
            Assert.That(parsed.Input[0].Reshape, Is.Not.Null, "an empty reshape must survive: it says 'scalar per request'");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
