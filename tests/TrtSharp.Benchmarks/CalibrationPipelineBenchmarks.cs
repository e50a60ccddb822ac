using BenchmarkDotNet.Attributes;
using TrtSharp.Datasets;
using TrtSharp.Inference;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Tensors;
using TrtSharp.Tools.Models;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Benchmarks;

/// <summary>
/// Whole calibration of the speech-embedding CNN (every activation tapped and histogrammed) against a plain ONNX Runtime
/// forward pass over the same mel windows at the same batch size — the ratio is calibration's overhead. The windows are computed once
/// beforehand so neither side pays for the mel model; both sides open their session and bind (the whole job). Needs the default models (dotnet cake --target=Models).
/// </summary>
[MemoryDiagnoser]
public class CalibrationPipelineBenchmarks
{
    private string _embedding = string.Empty;
    private InMemoryDataset _data = null!;
    private OnnxRuntimeSession _plain = null!;
    private IInferenceBinding[] _bindings = [];

    /// <summary>
    /// ONNX Runtime intra-op threads given to both sides; 0 is the default (plain: one per core; calibration: the
    /// calibrator splits the cores between ONNX Runtime and its histogram workers).
    /// </summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    /// <summary>Mel windows per batch.</summary>
    [Params(8, 32)]
    public int BatchSize { get; set; }

    private OnnxRuntimeOptions Options(bool taps = false) => new() { IntraOpThreads = Threads, TapAllFloatingPoint = taps };

    /// <summary>Renders the calibration split (60 clips) to windows in memory and binds the plain session.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var models = DefaultModels.EnsureInstalled();
        _embedding = models.Embedding;
        string manifest = FindManifest();
        var clips = SpeechClipManifest.Read(manifest).Where(c => !c.IsHoldout).ToList();
        using var mel = OnnxRuntimeSession.FromFile(models.Melspectrogram);
        var batches = new SpeechWindowDataset(clips, mel, "input_1", BatchSize).Batches()
            .Select(b => (IReadOnlyDictionary<string, HostTensor>)b.ToDictionary(p => p.Key, p => p.Value)).ToList();
        _data = new InMemoryDataset(batches);
        _plain = OnnxRuntimeSession.FromFile(_embedding, Options());
        _bindings = batches.Select(b => _plain.CreateBinding(b.ToDictionary(p => p.Key, p => p.Value.ShapeArray()))).ToArray();
        for (int i = 0; i < batches.Count; i++)
        {
            batches[i]["input_1"].AsBytes().CopyTo(_bindings[i].Input("input_1").AsBytes());
        }
    }

    /// <summary>Frees the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var b in _bindings)
        {
            b.Dispose();
        }
        _plain.Dispose();
    }

    /// <summary>Plain FP32 forward over every batch, bindings already made (the steady-state cost alone).</summary>
    [Benchmark]
    public void PlainForwardBound()
    {
        foreach (var b in _bindings)
        {
            b.Run();
        }
    }

    /// <summary>The whole plain job: open the session, bind, run every batch — what calibration is compared with.</summary>
    [Benchmark(Baseline = true)]
    public void PlainForward()
    {
        using var session = OnnxRuntimeSession.FromFile(_embedding, Options());
        OnnxRuntimeBinding? binding = null;
        foreach (var batch in _data.Batches())
        {
            if (binding is null || binding.Input("input_1").Shape[0] != batch["input_1"].Shape[0])
            {
                binding?.Dispose();
                binding = session.CreateBinding(batch.ToDictionary(p => p.Key, p => p.Value.ShapeArray()));
            }
            batch["input_1"].AsBytes().CopyTo(binding.Input("input_1").AsBytes());
            binding.Run();
        }
        binding?.Dispose();
    }

    /// <summary>Session creation with every activation tapped (no derived ones), and the tapped forward, without histograms.</summary>
    [Benchmark]
    public void TappedForwardOnly()
    {
        using var tapped = OnnxRuntimeSession.FromFile(_embedding, Options(taps: true));
        OnnxRuntimeBinding? binding = null;
        foreach (var batch in _data.Batches())
        {
            if (binding is null || binding.Input("input_1").Shape[0] != batch["input_1"].Shape[0])
            {
                binding?.Dispose();
                binding = tapped.CreateBinding(batch.ToDictionary(p => p.Key, p => p.Value.ShapeArray()));
            }
            batch["input_1"].AsBytes().CopyTo(binding.Input("input_1").AsBytes());
            binding.Run();
        }
        binding?.Dispose();
    }

    /// <summary>The calibrator: tapped forward (clamp-like outputs derived on the worker) plus histograms of all 66 tensors.</summary>
    [Benchmark]
    public int Calibrate() => ActivationCalibrator.Collect(_embedding, _data, Options()).Count;

    private static string FindManifest()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "calibration-data", "manifest.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("calibration-data/manifest.csv not found above " + AppContext.BaseDirectory);
    }

    private sealed class InMemoryDataset(IReadOnlyList<IReadOnlyDictionary<string, HostTensor>> batches) : ICalibrationDataset
    {
        public string Description => $"{batches.Count} in-memory batches";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) => batches;
    }
}
