using BenchmarkDotNet.Attributes;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;
using TrtSharp.Tests.RealModels;
using TrtSharp.Tools.Models;

namespace TrtSharp.Benchmarks;

/// <summary>
/// Issue 9's quantize-cost target on the largest suite model that quantizes today, the PP-OCRv4 text detector:
/// <c>ModelQuantizer.Quantize</c> with default options over rendered 640×640 pages against plain FP32 forward passes
/// over the same pages, both opening their session, at the same ONNX Runtime threads (target: ratio ≤ 2).
/// Needs the suite models (<c>trtsharp models fetch --suite</c>) and Debian's fonts-dejavu-core.
/// </summary>
[MemoryDiagnoser]
[MedianColumn] // with --strategy ColdStart the first iteration runs cold (JIT) and pulls the mean up
public class QuantizeRealModelBenchmarks
{
    private const int Side = 640;
    private string _detector = string.Empty;
    private InMemoryDataset _pages = null!;

    /// <summary>Calibration pages: 16, and the 40 of the issue's own measurement.</summary>
    [Params(16, 40)]
    public int Pages { get; set; }

    /// <summary>ONNX Runtime intra-op threads for both sides; 0 is the default.</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    private OnnxRuntimeOptions Options => new() { IntraOpThreads = Threads };

    /// <summary>Installs the suite and renders the pages once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (TextImages.MissingFont() is { } missing)
        {
            throw new InvalidOperationException($"{missing} is missing: install Debian's fonts-dejavu-core");
        }
        _detector = SuiteModels.EnsureInstalled().TextDetector;
        _pages = new InMemoryDataset($"{Pages} rendered {Side}x{Side} pages",
            [.. Enumerable.Range(0, Pages).Select(i => (IReadOnlyDictionary<string, HostTensor>)new Dictionary<string, HostTensor> { ["x"] = TextImages.Page(i, Side, Side, 8).Image })]);
    }

    /// <summary>Open the FP32 model and run every page: what quantize is measured against.</summary>
    [Benchmark(Baseline = true)]
    public int PlainForward()
    {
        using var session = OnnxRuntimeSession.FromFile(_detector, Options);
        int outputs = 0;
        foreach (var page in _pages.Samples)
        {
            outputs += session.Run(page).Count;
        }
        return outputs;
    }

    /// <summary>Default quantization (normalization, automatic method choice, TensorRT placement) over the same pages.</summary>
    [Benchmark]
    public int QuantizeDefault() =>
        ModelQuantizer.Quantize(_detector, _pages, new QuantizeOptions(), Options).Model.Graph.Nodes.Count;

    /// <summary>
    /// As <see cref="QuantizeEntropy"/> with every float activation calibrated (<c>CalibrateAllTensors</c>), which is
    /// what quantize did before it calibrated only the tensors its placement quantizes: the before/after of that change.
    /// </summary>
    [Benchmark]
    public int QuantizeEntropyEveryTensor() =>
        ModelQuantizer.Quantize(_detector, _pages, new QuantizeOptions { Method = TrtSharp.Quantization.Calibration.CalibrationMethod.Entropy, CalibrateAllTensors = true }, Options).Model.Graph.Nodes.Count;

    /// <summary>Quantization with the method given (entropy): calibration and Q/DQ without the automatic method comparison.</summary>
    [Benchmark]
    public int QuantizeEntropy() =>
        ModelQuantizer.Quantize(_detector, _pages, new QuantizeOptions { Method = TrtSharp.Quantization.Calibration.CalibrationMethod.Entropy }, Options).Model.Graph.Nodes.Count;
}
