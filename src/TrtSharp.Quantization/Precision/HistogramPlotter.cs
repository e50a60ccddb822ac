namespace TrtSharp.Quantization.Precision;

/// <summary>
/// Draws one histogram image at <paramref name="path"/>: <paramref name="counts"/> as bars over [0, <paramref name="rangeMax"/>],
/// with vertical <paramref name="markers"/> (e.g. each calibration method's threshold). The report writer takes this from its
/// caller so that the quantization library carries no charting dependency; the trtsharp tool passes its PNG renderer.
/// </summary>
public delegate void HistogramPlotter(string path, string title, ReadOnlySpan<long> counts, double rangeMax, string xLabel,
    IReadOnlyList<(double X, string Label)> markers);
