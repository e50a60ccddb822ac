using ScottPlot;
using TrtSharp.IO;

namespace TrtSharp.Tools.Reporting;

/// <summary>PNG charts for reports (ScottPlot, rendered headless), written atomically.</summary>
public static class Plots
{
    /// <summary>Default image size in pixels.</summary>
    public const int Width = 900, Height = 500;

    /// <summary>
    /// A histogram as bars over [0, <paramref name="rangeMax"/>] with optional vertical markers
    /// (e.g. the calibration threshold chosen by each method), counts on a log scale when asked.
    /// </summary>
    public static void Histogram(string path, string title, ReadOnlySpan<long> counts, double rangeMax, string xLabel,
        IReadOnlyList<(double X, string Label)>? markers = null, bool logCounts = true)
    {
        var plot = new Plot();
        double width = counts.Length > 0 ? rangeMax / counts.Length : 1;
        var bars = new List<Bar>(counts.Length);
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }
            double value = logCounts ? Math.Log10(counts[i] + 1) : counts[i];
            bars.Add(new Bar { Position = (i + 0.5) * width, Value = value, Size = width, LineWidth = 0 });
        }
        plot.Add.Bars(bars);
        if (markers is not null)
        {
            var palette = new ScottPlot.Palettes.Category10();
            for (int i = 0; i < markers.Count; i++)
            {
                var line = plot.Add.VerticalLine(markers[i].X);
                line.Color = palette.GetColor(i + 1);
                line.LineWidth = 2;
                line.LegendText = markers[i].Label;
            }
            plot.ShowLegend();
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logCounts ? "log10(count + 1)" : "count");
        Save(plot, path);
    }

    /// <summary>Horizontal-label bar chart, e.g. relative speedups with a reference line at 1×.</summary>
    public static void Bars(string path, string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, string yLabel, double? referenceLine = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        var plot = new Plot();
        var bars = new List<Bar>(values.Count);
        var ticks = new Tick[labels.Count];
        for (int i = 0; i < values.Count; i++)
        {
            bars.Add(new Bar { Position = i, Value = values[i], Label = $"{values[i]:0.00}" });
            ticks[i] = new Tick(i, labels[i]);
        }
        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Margins(bottom: 0);
        if (referenceLine is { } y)
        {
            var line = plot.Add.HorizontalLine(y);
            line.LinePattern = LinePattern.Dashed;
        }
        plot.Title(title);
        plot.YLabel(yLabel);
        Save(plot, path);
    }

    /// <summary>
    /// Ranked horizontal bars, the first label at the top (e.g. layers most sensitive first), each labelled with its
    /// value in three significant digits so that small differences such as 1 − cosine stay readable; the image grows
    /// with the number of bars.
    /// </summary>
    public static void RankedBars(string path, string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, string valueLabel)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        var plot = new Plot();
        var bars = new List<Bar>(values.Count);
        var ticks = new Tick[labels.Count];
        for (int i = 0; i < values.Count; i++)
        {
            double position = values.Count - 1 - i;
            bars.Add(new Bar { Position = position, Value = values[i], Label = values[i].ToString("G3", System.Globalization.CultureInfo.InvariantCulture) });
            ticks[i] = new Tick(position, labels[i]);
        }
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        series.ValueLabelStyle.FontSize = 11;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(left: 0, right: 0.15);
        plot.Title(title);
        plot.XLabel(valueLabel);
        Save(plot, path, Width, Math.Max(Height, 120 + (24 * values.Count)));
    }

    private static void Save(Plot plot, string path, int width = Width, int height = Height)
    {
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, png);
    }
}
