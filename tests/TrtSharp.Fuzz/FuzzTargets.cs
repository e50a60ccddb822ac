using System.Text;
using Google.Protobuf;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Quantization.Calibration;
using TrtSharp.TensorRT;
using TrtSharp.Tools.Audio;

namespace TrtSharp.Fuzz;

/// <summary>Every harness, by name.</summary>
internal static class FuzzTargets
{
    // External data resolves against an empty folder: the harness must never read files the input names.
    private static readonly Lazy<string> EmptyFolder = new(() => Directory.CreateTempSubdirectory("trtsharp-fuzz").FullName);

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("onnx", "OnnxModel.Load, the graph view (as inspect prints it, topological order) and every initializer converted", OnnxModelAndTensors),
        new("tensor", "TensorProto parsing and OnnxTensors.ToHostTensor", TensorProtoToHost, typeof(InvalidProtocolBufferException)),
        new("npy", "NpyFile.Read", bytes => NpyFile.Read(new MemoryStream(bytes), "fuzz.npy")),
        new("npz", "NpzFile.Read", bytes => NpzFile.Read(new MemoryStream(bytes), "fuzz.npz")),
        new("cache", "CalibrationCache.Parse", bytes => CalibrationCache.Parse(Encoding.UTF8.GetString(bytes), "fuzz.cache")),
        new("manifest", "PlanManifest.Parse", bytes => PlanManifest.Parse(Encoding.UTF8.GetString(bytes), "fuzz.plan.json")),
        new("wav", "WavFile.Parse", bytes => WavFile.Parse(bytes, "fuzz.wav")),
    ];

    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"unknown harness '{name}': {string.Join(", ", All.Select(t => t.Name))}");

    private static void OnnxModelAndTensors(byte[] bytes)
    {
        OnnxModel model = OnnxModel.Load(bytes, EmptyFolder.Value);
        OnnxGraph graph = model.Graph;
        _ = graph.OpHistogram();
        _ = graph.InitializerBytes;
        // What inspect prints, and the order every graph pass walks.
        foreach (OnnxValueInfo value in graph.Inputs.Concat(graph.Outputs).Concat(graph.ValueInfos))
        {
            _ = value.ToString();
        }
        foreach (OnnxNode node in graph.Nodes)
        {
            _ = node.ToString();
            foreach (OnnxAttribute attribute in node.Attributes)
            {
                _ = attribute.ToString();
            }
        }
        _ = graph.TopologicalOrder();
        foreach (TensorProto tensor in model.Proto.Graph.Initializer)
        {
            model.ReadTensor(tensor);
        }
    }

    private static void TensorProtoToHost(byte[] bytes)
    {
        TensorProto proto = TensorProto.Parser.ParseFrom(bytes);
        OnnxTensors.ToHostTensor(proto, EmptyFolder.Value, "fuzz.pb");
    }
}
