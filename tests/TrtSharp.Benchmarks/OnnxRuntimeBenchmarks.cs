using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Benchmarks;

/// <summary>
/// Steady-state cost of <see cref="OnnxRuntimeBinding.Run"/> against ONNX Runtime's own C# API with
/// <see cref="OrtIoBinding"/> and <see cref="InferenceSession.RunWithBinding"/> on the same model and thread settings.
/// Models from Debian's libonnx-testdata.
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimeBenchmarks
{
    private const string Root = "/usr/share/libonnx-testdata/data";

    private OnnxRuntimeSession _session = null!;
    private OnnxRuntimeBinding _binding = null!;
    private Dictionary<string, HostTensor> _feed = null!;

    private InferenceSession _raw = null!;
    private SessionOptions _rawOptions = null!;
    private RunOptions _rawRunOptions = null!;
    private OrtIoBinding _rawBinding = null!;
    private readonly List<OrtValue> _rawValues = [];

    /// <summary>The libonnx-testdata case.</summary>
    [Params("pytorch-converted/test_Conv2d", "node/test_add")]
    public string Model { get; set; } = "";

    /// <summary>Loads both sessions and binds the same shapes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(Root, Model, "model.onnx");
        _session = OnnxRuntimeSession.FromFile(path, new OnnxRuntimeOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        var shapes = _session.Inputs.ToDictionary(d => d.Name, d => d.Shape);
        _binding = _session.CreateBinding(shapes);
        _feed = new Dictionary<string, HostTensor>();
        var rng = new Random(1);
        foreach (TensorDescriptor d in _session.Inputs)
        {
            Span<float> x = _binding.Input<float>(d.Name).Span;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)rng.NextDouble() - 0.5f;
            }
            _feed[d.Name] = _binding.Input(d.Name);
        }
        _binding.Run();

        _rawOptions = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _raw = new InferenceSession(path, _rawOptions);
        _rawRunOptions = new RunOptions();
        _rawBinding = _raw.CreateIoBinding();
        foreach (TensorDescriptor d in _session.Inputs)
        {
            float[] data = ((HostTensor<float>)_binding.Input(d.Name)).Data.ToArray();
            OrtValue v = OrtValue.CreateTensorValueFromMemory(data, d.Shape);
            _rawValues.Add(v);
            _rawBinding.BindInput(d.Name, v);
        }
        foreach (TensorDescriptor d in _session.Outputs)
        {
            long[] shape = _binding.Output(d.Name).ShapeArray();
            OrtValue v = OrtValue.CreateTensorValueFromMemory(new float[HostTensor.ShapeElementCount(shape)], shape);
            _rawValues.Add(v);
            _rawBinding.BindOutput(d.Name, v);
        }
    }

    /// <summary>ONNX Runtime's C# API directly: IO binding, RunWithBinding.</summary>
    [Benchmark(Baseline = true)]
    public void RawOrtIoBinding() => _raw.RunWithBinding(_rawRunOptions, _rawBinding);

    /// <summary>TrtSharp's pre-bound buffers.</summary>
    [Benchmark]
    public void TrtSharpBinding() => _binding.Run();

    /// <summary>TrtSharp's convenience Run (validates, wraps inputs, allocates outputs): for comparison.</summary>
    [Benchmark]
    public IReadOnlyDictionary<string, HostTensor> TrtSharpRun() => _session.Run(_feed);

    /// <summary>Releases both sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _binding.Dispose();
        _session.Dispose();
        _rawBinding.Dispose();
        _rawValues.ForEach(v => v.Dispose());
        _rawRunOptions.Dispose();
        _raw.Dispose();
        _rawOptions.Dispose();
    }
}
