using Microsoft.ML.OnnxRuntime;
using TrtSharp.Inference;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace TrtSharp.Tests.Speech;

/// <summary>
/// TEST HELPER, to be replaced by <c>TrtSharp.OnnxRuntime.OnnxRuntimeSession</c> at merge: a minimal
/// <see cref="IInferenceSession"/> over ONNX Runtime's own <see cref="InferenceSession"/>, so the speech
/// pipeline can be tested on the real models before the library's backend lands. It runs the real model
/// (one intra-op thread, no spinning); it supports float, int32 and int64 tensors only.
/// </summary>
internal sealed class OrtTestSession : IInferenceSession
{
    private readonly InferenceSession _session;

    public OrtTestSession(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        // Several sessions share two cores in the tests: spinning threads would steal each other's time.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(modelPath, options);
        Inputs = _session.InputNames.Select(n => Describe(n, _session.InputMetadata[n])).ToArray();
        Outputs = _session.OutputNames.Select(n => Describe(n, _session.OutputMetadata[n])).ToArray();
    }

    public string Backend => "onnxruntime-test-helper";

    public string Device => "CPUExecutionProvider";

    public IReadOnlyList<TensorDescriptor> Inputs { get; }

    public IReadOnlyList<TensorDescriptor> Outputs { get; }

    public IReadOnlyDictionary<string, HostTensor> Run(IReadOnlyDictionary<string, HostTensor> inputs, IReadOnlyCollection<string>? outputNames = null)
    {
        var names = inputs.Keys.ToArray();
        var values = names.Select(n => ToOrtValue(inputs[n])).ToArray();
        try
        {
            string[] wanted = outputNames?.ToArray() ?? _session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(runOptions, names, values, wanted);
            var dict = new Dictionary<string, HostTensor>();
            for (int i = 0; i < wanted.Length; i++)
            {
                dict[wanted[i]] = FromOrtValue(results[i]);
            }
            return dict;
        }
        finally
        {
            foreach (OrtValue v in values)
            {
                v.Dispose();
            }
        }
    }

    public IInferenceBinding CreateBinding(IReadOnlyDictionary<string, long[]>? inputShapes = null)
    {
        var inputs = new Dictionary<string, HostTensor>();
        foreach (TensorDescriptor d in Inputs)
        {
            long[] shape = inputShapes is not null && inputShapes.TryGetValue(d.Name, out long[]? s) ? s
                : !d.IsDynamic ? d.Shape
                : throw new ArgumentException($"input '{d.Name}' is dynamic ({d}); give its shape");
            inputs[d.Name] = HostTensor.Allocate(d.ElementType, shape);
        }
        // Output shapes of dynamic models are only known after a run: run once on zeros to learn them.
        IReadOnlyDictionary<string, HostTensor> outputs = Run(inputs);
        return new Binding(_session, inputs, outputs);
    }

    public void Dispose() => _session.Dispose();

    private static TensorDescriptor Describe(string name, NodeMetadata meta) =>
        new(name, (TensorElementType)(int)meta.ElementDataType, meta.Dimensions.Select(d => (long)d).ToArray(), meta.SymbolicDimensions.Select(s => string.IsNullOrEmpty(s) ? null : s).ToArray());

    private static OrtValue ToOrtValue(HostTensor t)
    {
        long[] shape = t.ShapeArray();
        return t switch
        {
            HostTensor<float> f => OrtValue.CreateTensorValueFromMemory(f.Data, shape),
            HostTensor<long> l => OrtValue.CreateTensorValueFromMemory(l.Data, shape),
            HostTensor<int> i => OrtValue.CreateTensorValueFromMemory(i.Data, shape),
            _ => throw new NotSupportedException($"test helper does not support {t}"),
        };
    }

    private static HostTensor FromOrtValue(OrtValue v)
    {
        OrtTensorTypeAndShapeInfo info = v.GetTensorTypeAndShape();
        long[] shape = info.Shape;
        return info.ElementDataType switch
        {
            OrtElementType.Float => new HostTensor<float>(shape, v.GetTensorDataAsSpan<float>().ToArray()),
            OrtElementType.Int64 => new HostTensor<long>(shape, v.GetTensorDataAsSpan<long>().ToArray()),
            OrtElementType.Int32 => new HostTensor<int>(shape, v.GetTensorDataAsSpan<int>().ToArray()),
            _ => throw new NotSupportedException($"test helper does not support output type {info.ElementDataType}"),
        };
    }

    private sealed class Binding : IInferenceBinding
    {
        private readonly InferenceSession _session;
        private readonly Dictionary<string, HostTensor> _inputs;
        private readonly Dictionary<string, HostTensor> _outputs;
        private readonly List<OrtValue> _values = [];
        private readonly OrtIoBinding _io;
        private readonly RunOptions _runOptions = new();

        public Binding(InferenceSession session, Dictionary<string, HostTensor> inputs, IReadOnlyDictionary<string, HostTensor> outputs)
        {
            _session = session;
            _inputs = inputs;
            _outputs = outputs.ToDictionary(kv => kv.Key, kv => kv.Value);
            _io = session.CreateIoBinding();
            foreach (var (name, tensor) in _inputs)
            {
                OrtValue v = ToOrtValue(tensor);
                _values.Add(v);
                _io.BindInput(name, v);
            }
            foreach (var (name, tensor) in _outputs)
            {
                OrtValue v = ToOrtValue(tensor);
                _values.Add(v);
                _io.BindOutput(name, v);
            }
        }

        public HostTensor Input(string name) => _inputs[name];

        public HostTensor Output(string name) => _outputs[name];

        public void Run() => _session.RunWithBinding(_runOptions, _io);

        public void Dispose()
        {
            _io.Dispose();
            _runOptions.Dispose();
            foreach (OrtValue v in _values)
            {
                v.Dispose();
            }
        }
    }
}
