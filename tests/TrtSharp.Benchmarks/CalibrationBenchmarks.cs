using BenchmarkDotNet.Attributes;
using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Benchmarks;

/// <summary>
/// Histogram collection over 10M float32 N(0,1) values and range search per tensor.
/// Set TRTSHARP_BENCH_DATA to a raw little-endian float32 file (e.g. written by NumPy) to measure on exactly the data
/// NumPy's np.histogram was timed on; otherwise the values come from a seeded Box–Muller generator.
/// </summary>
[MemoryDiagnoser]
public class CalibrationBenchmarks
{
    private const int Count = 10_000_000;
    private float[] _data = [];
    private HistogramCollector _oneThread = null!;
    private HistogramCollector _twoThreads = null!;
    private float[] _flat = [];
    private HistogramCollector _flatOneThread = null!;
    private Histogram _gaussian = null!;
    private Histogram _relu = null!;

    /// <summary>Loads or generates the data and warms the collectors (the first Add fixes the range).</summary>
    [GlobalSetup]
    public void Setup()
    {
        string? path = Environment.GetEnvironmentVariable("TRTSHARP_BENCH_DATA");
        if (path is not null && File.Exists(path))
        {
            byte[] bytes = File.ReadAllBytes(path);
            _data = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, _data, 0, _data.Length * 4);
        }
        else
        {
            _data = new float[Count];
            var random = new Random(20261123);
            for (int i = 0; i < Count; i += 2)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                double r = Math.Sqrt(-2.0 * Math.Log(u1));
                _data[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
                if (i + 1 < Count)
                {
                    _data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
                }
            }
        }
        _oneThread = new HistogramCollector("bench") { UseTwoThreads = false };
        _twoThreads = new HistogramCollector("bench") { UseTwoThreads = true };
        _oneThread.Add(_data);
        _twoThreads.Add(_data);
        _gaussian = _oneThread.ToStatistics().Histogram;
        // An image-like tensor: runs of 256 values, four in ten of them flat (one value, as a page background or a
        // region of ReLU zeros), the others the N(0,1) values.
        _flat = (float[])_data.Clone();
        var runs = new Random(20261207);
        for (int start = 0; start + 256 <= _flat.Length; start += 256)
        {
            if (runs.NextDouble() < 0.4)
            {
                _flat.AsSpan(start, 256).Fill(_flat[start]);
            }
        }
        _flatOneThread = new HistogramCollector("flat") { UseTwoThreads = false };
        _flatOneThread.Add(_flat);
        var relu = new HistogramCollector("relu") { UseTwoThreads = false };
        relu.Add(_data.Select(x => Math.Max(x, 0f)).ToArray());
        _relu = relu.ToStatistics().Histogram;
    }

    /// <summary>Min/max/NaN scan plus 2048-bin |x| histogram of 10M values, calling thread only.</summary>
    [Benchmark(Baseline = true)]
    public long Histogram10MOneThread()
    {
        _oneThread.Add(_data);
        return _oneThread.Count;
    }

    /// <summary>The same on image-like values: four runs of 256 in ten are flat.</summary>
    [Benchmark]
    public long Histogram10MFlatRegionsOneThread()
    {
        _flatOneThread.Add(_flat);
        return _flatOneThread.Count;
    }

    /// <summary>The same split over the calling thread and one pool thread.</summary>
    [Benchmark]
    public long Histogram10MTwoThreads()
    {
        _twoThreads.Add(_data);
        return _twoThreads.Count;
    }

    /// <summary>Entropy threshold search on the N(0,1) histogram (candidates 128…2048).</summary>
    [Benchmark]
    public float EntropyGaussian() => new EntropyRangeAlgorithm().ComputeAmax(_gaussian);

    /// <summary>Entropy threshold search on a ReLU histogram (spike in bin 0).</summary>
    [Benchmark]
    public float EntropyRelu() => new EntropyRangeAlgorithm().ComputeAmax(_relu);

    /// <summary>MSE search on the N(0,1) histogram.</summary>
    [Benchmark]
    public float MseGaussian() => new MseRangeAlgorithm().ComputeAmax(_gaussian);

    /// <summary>Percentile 99.99 on the N(0,1) histogram.</summary>
    [Benchmark]
    public float PercentileGaussian() => new PercentileRangeAlgorithm().ComputeAmax(_gaussian);
}
