using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Benchmarks;

/// <summary>ONNX model loading, TensorProto conversion and .npy I/O on small, self-made data.</summary>
[MemoryDiagnoser]
public class OnnxBenchmarks
{
    private string _dir = "";
    private string _modelPath = "";
    private string _npyPath = "";
    private TensorProto _proto = new();
    private HostTensor _tensor = null!;

    /// <summary>Elements of the benchmark tensor (float32).</summary>
    [Params(65_536)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trtsharp-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        var data = new float[Elements];
        var random = new Random(1);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble();
        }
        _tensor = new HostTensor<float>([Elements / 64, 64], data);
        _proto = OnnxTensors.FromHostTensor(_tensor, "w");

        // A 16-layer MLP-like graph with the benchmark tensor as each layer's weight.
        var graph = new GraphProto { Name = "bench" };
        graph.Input.Add(OnnxTypes.ToValueInfo(new TensorDescriptor("x", TensorElementType.Float, [1, Elements / 64])));
        string previous = "x";
        for (int i = 0; i < 16; i++)
        {
            var w = _proto.Clone();
            w.Name = $"w{i}";
            graph.Initializer.Add(w);
            var node = new NodeProto { Name = $"mm{i}", OpType = "MatMul" };
            node.Input.Add([previous, w.Name]);
            node.Output.Add($"h{i}");
            graph.Node.Add(node);
            previous = $"h{i}";
        }
        graph.Output.Add(OnnxTypes.ToValueInfo(new TensorDescriptor(previous, TensorElementType.Float, [1, 64])));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        _modelPath = Path.Combine(_dir, "model.onnx");
        File.WriteAllBytes(_modelPath, model.ToByteArray());
        _npyPath = Path.Combine(_dir, "t.npy");
        NpyFile.Write(_npyPath, _tensor);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark]
    public int LoadModelAndTopologicalOrder() => OnnxModel.Load(_modelPath).Graph.TopologicalOrder().Count;

    [Benchmark]
    public HostTensor TensorProtoToHostTensor() => OnnxTensors.ToHostTensor(_proto);

    [Benchmark]
    // object: the protobuf types are internal to the library, and a benchmark method must be public.
    public object HostTensorToTensorProto() => OnnxTensors.FromHostTensor(_tensor, "w");

    [Benchmark]
    public HostTensor NpyRead() => NpyFile.Read(_npyPath);

    [Benchmark]
    public long NpyWriteToMemory()
    {
        using var stream = new MemoryStream(Elements * 4 + 128);
        NpyFile.Write(stream, _tensor);
        return stream.Length;
    }
}
