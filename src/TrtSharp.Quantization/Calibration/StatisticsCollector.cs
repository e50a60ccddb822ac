using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// Per-tensor streaming statistics for a whole model: one <see cref="HistogramCollector"/> per tensor name, created on
/// first use. Activation taps feed it batch by batch; nothing of the dataset is kept besides the histograms.
/// Not thread-safe (the collectors themselves may use a second thread for large spans).
/// </summary>
internal sealed class StatisticsCollector
{
    private readonly Dictionary<string, HistogramCollector> _collectors = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Whether large spans are split across two threads (default true).</summary>
    public bool UseTwoThreads { get; set; } = true;

    /// <summary>Tensor names in the order they were first seen.</summary>
    public IReadOnlyList<string> TensorNames => _order;

    /// <summary>Adds one batch of <paramref name="tensorName"/>'s values; see <see cref="HistogramCollector.Add"/>.</summary>
    /// <exception cref="TrtSharp.Errors.CalibrationException">The values hold NaN or ±∞.</exception>
    public void Add(string tensorName, ReadOnlySpan<float> values, long sampleIndex = 0, int samplesInSpan = 1)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        CollectorFor(tensorName).Add(values, sampleIndex, samplesInSpan);
    }

    private static readonly ILookup<string, DerivedActivation> NoDerived = Array.Empty<DerivedActivation>().ToLookup(d => d.Source);

    private HistogramCollector CollectorFor(string tensorName)
    {
        if (!_collectors.TryGetValue(tensorName, out HistogramCollector? collector))
        {
            collector = new HistogramCollector(tensorName);
            _collectors.Add(tensorName, collector);
            _order.Add(tensorName);
        }
        collector.UseTwoThreads = UseTwoThreads;
        return collector;
    }

    /// <summary>
    /// Adds one batch of several tensors, spread over up to <paramref name="threads"/> threads (tensors are independent,
    /// so each collector is still fed by one thread at a time). The first NaN/∞ error found is thrown.
    /// </summary>
    /// <exception cref="TrtSharp.Errors.CalibrationException">Some tensor's values hold NaN or ±∞.</exception>
    public void AddParallel(IEnumerable<(string Name, HostTensor<float> Values)> tensors, long sampleIndex, int samplesInSpan, int threads,
        CancellationToken cancellationToken = default) =>
        AddParallel(tensors, NoDerived, sampleIndex, samplesInSpan, threads, cancellationToken);

    /// <summary>
    /// As <see cref="AddParallel(IEnumerable{ValueTuple{string, HostTensor{float}}}, long, int, int, CancellationToken)"/>, and
    /// right after each tensor also the activations <paramref name="derived"/> computes from it (while its values are
    /// still in cache), in a pooled scratch buffer.
    /// </summary>
    public void AddParallel(IEnumerable<(string Name, HostTensor<float> Values)> tensors, ILookup<string, DerivedActivation> derived,
        long sampleIndex, int samplesInSpan, int threads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(derived);
        var items = new List<(HistogramCollector Collector, HostTensor<float> Values, (HistogramCollector, DerivedActivation)[] Derived)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, values) in tensors)
        {
            // One item per tensor (a graph input that is also an output appears once), so no collector is fed by two
            // threads; collectors are created here, on one thread, so the parallel part only reads the dictionary.
            if (!seen.Add(name))
            {
                continue;
            }
            var source = CollectorFor(name);
            items.Add((source, values, derived[name].Where(d => seen.Add(d.Name)).Select(d => (CollectorFor(d.Name), d)).ToArray()));
        }
        void AddOne((HistogramCollector Collector, HostTensor<float> Values, (HistogramCollector, DerivedActivation)[] Derived) item)
        {
            item.Collector.Add(item.Values.Span, sampleIndex, samplesInSpan);
            if (item.Derived.Length == 0)
            {
                return;
            }
            int n = item.Values.Span.Length;
            float[] scratch = System.Buffers.ArrayPool<float>.Shared.Rent(n);
            try
            {
                foreach (var (collector, d) in item.Derived)
                {
                    d.Compute(item.Values.Span, scratch.AsSpan(0, n));
                    collector.Add(scratch.AsSpan(0, n), sampleIndex, samplesInSpan);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<float>.Shared.Return(scratch);
            }
        }
        if (threads <= 1 || items.Count < 2)
        {
            foreach (var item in items)
            {
                AddOne(item);
            }
            return;
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        try
        {
            Parallel.ForEach(items, parallel, AddOne);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is Errors.CalibrationException) is { } first)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>Snapshots of every tensor's statistics, in first-seen order.</summary>
    public IReadOnlyList<TensorStatistics> ToStatistics() => _order.Select(n => _collectors[n].ToStatistics()).ToList();
}
