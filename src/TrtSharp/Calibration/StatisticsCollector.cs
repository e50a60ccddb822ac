namespace TrtSharp.Calibration;

/// <summary>
/// Per-tensor streaming statistics for a whole model: one <see cref="HistogramCollector"/> per tensor name, created on
/// first use. Activation taps feed it batch by batch; nothing of the dataset is kept besides the histograms.
/// Not thread-safe (the collectors themselves may use a second thread for large spans).
/// </summary>
public sealed class StatisticsCollector
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
        if (!_collectors.TryGetValue(tensorName, out HistogramCollector? collector))
        {
            collector = new HistogramCollector(tensorName);
            _collectors.Add(tensorName, collector);
            _order.Add(tensorName);
        }
        collector.UseTwoThreads = UseTwoThreads;
        collector.Add(values, sampleIndex, samplesInSpan);
    }

    /// <summary>Snapshots of every tensor's statistics, in first-seen order.</summary>
    public IReadOnlyList<TensorStatistics> ToStatistics() => _order.Select(n => _collectors[n].ToStatistics()).ToList();
}
