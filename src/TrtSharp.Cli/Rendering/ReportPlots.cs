using TrtSharp.Tools.Reporting;

namespace TrtSharp.Cli.Rendering;

/// <summary>The tool's renderers handed to library report writers that draw through a seam.</summary>
internal static class ReportPlots
{
    /// <summary>A quantization report's histogram as a ScottPlot PNG (log counts, thresholds as vertical lines).</summary>
    public static void Histogram(string path, string title, ReadOnlySpan<long> counts, double rangeMax, string xLabel,
        IReadOnlyList<(double X, string Label)> markers)
        => Plots.Histogram(path, title, counts, rangeMax, xLabel, markers);
}
