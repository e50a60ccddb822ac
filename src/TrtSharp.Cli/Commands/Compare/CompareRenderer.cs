using Spectre.Console;
using TrtSharp.Cli.Rendering;
using TrtSharp.Comparison;

namespace TrtSharp.Cli.Commands.Compare;

/// <summary>Draws a comparison report: inputs, one statistics table and error histogram per output, verdicts.</summary>
internal static class CompareRenderer
{
    /// <summary>Writes the whole report to <paramref name="console"/>.</summary>
    public static void Render(CliConsole console, ComparisonReport report, LayerwiseReport? layers, bool allLayers = false)
    {
        console.WriteLine($"compare: {report.Actual}  vs reference  {report.Reference}");
        console.WriteLine($"check: {Describe(report.Check)}");
        foreach (InputSummary input in report.Inputs)
        {
            console.WriteLine($"input {input.Name}: {input.Type}[{string.Join(", ", input.Shape)}] from {input.Source}");
        }
        console.WriteLine();
        foreach (OutputComparison output in report.Outputs)
        {
            RenderOutput(console, output);
        }
        foreach (UnpairedOutput u in report.Unpaired)
        {
            console.WriteLine($"{(u.FailsComparison ? "FAILED" : "NOTE  ")} output '{u.Name}': {u.Reason}");
        }
        if (layers is not null)
        {
            RenderLayers(console, layers, allLayers);
        }
        int passed = report.Outputs.Count(o => o.Passed);
        int total = report.Outputs.Count + report.Unpaired.Count(u => u.FailsComparison);
        console.WriteLine(report.Passed
            ? $"PASSED: {passed} of {total} output(s) match the reference"
            : $"FAILED: {total - passed} of {total} output(s) differ from the reference");
    }

    /// <summary>The check in words, e.g. "max |a−b| ≤ atol + rtol·|b| (rtol=1e-05, atol=1e-05)".</summary>
    public static string Describe(ErrorCheck check) => check.Statistic switch
    {
        ErrorStatistic.Max => $"every element: |a-b| <= atol + rtol*|b| ({check.Tolerance})",
        ErrorStatistic.Quantile => $"quantile {Numbers.G(check.Quantile)} of |a-b| <= atol + rtol*(same quantile of |b|) ({check.Tolerance})",
        _ => $"{check.Statistic.ToString().ToLowerInvariant()} |a-b| <= atol + rtol*{check.Statistic.ToString().ToLowerInvariant()} |b| ({check.Tolerance})",
    };

    private static void RenderOutput(CliConsole console, OutputComparison o)
    {
        if (o.Actual.Count == 0 && o.Reference.Count == 0 && !o.Passed)
        {
            // Shapes or types made a numeric comparison impossible; the reason says which.
            console.WriteLine($"FAILED output '{o.Name}': {o.Reason}");
            console.WriteLine();
            return;
        }
        var table = new Table { Title = new TableTitle(Markup.Escape($"output '{o.Name}' ({o.Reference.Count} elements)")) };
        table.AddColumn("statistic");
        table.AddColumn(new TableColumn("a").RightAligned());
        table.AddColumn(new TableColumn("b (reference)").RightAligned());
        table.AddColumn(new TableColumn("|a-b|").RightAligned());
        table.AddColumn(new TableColumn("|a-b|/|b|").RightAligned());
        ValueStatistics[] s = [o.Actual, o.Reference, o.AbsoluteError, o.RelativeError];
        Row("mean", s.Select(x => Numbers.G(x.Mean)));
        Row("std", s.Select(x => Numbers.G(x.StandardDeviation)));
        Row("min", s.Select(x => $"{Numbers.G(x.Min)} @{x.MinIndex}"));
        Row("max", s.Select(x => $"{Numbers.G(x.Max)} @{x.MaxIndex}"));
        Row("median", s.Select(x => Numbers.G(x.Median)));
        Row("p90", s.Select(x => Numbers.G(x.P90)));
        Row("p95", s.Select(x => Numbers.G(x.P95)));
        Row("p99", s.Select(x => Numbers.G(x.P99)));
        Row("NaN", s.Select(x => x.NaNCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Row("Inf", s.Select(x => x.InfinityCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        console.Write(table);

        console.WriteLine($"  cosine similarity      {Numbers.G(o.Cosine)}");
        console.WriteLine($"  SNR                    {Numbers.G(o.SnrDb)} dB");
        console.WriteLine($"  chosen-quantile |a-b|  {Numbers.G(o.ChosenQuantileAbsoluteError)}");
        console.WriteLine($"  would pass with        atol >= {Numbers.G(o.RequiredAbsoluteTolerance)} (rtol 0) or rtol >= {Numbers.G(o.RequiredRelativeTolerance)} (atol 0)");
        console.WriteLine("  |a-b| histogram:");
        foreach (string line in TextHistogram.Render(o.ErrorHistogram, o.ErrorHistogramMax).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            console.WriteLine("    " + line.TrimEnd('\r'));
        }
        console.WriteLine(o.Passed
            ? $"PASSED output '{o.Name}'" + (o.Reason.Length > 0 ? $" ({o.Reason})" : string.Empty)
            : $"FAILED output '{o.Name}': {o.Reason}");
        console.WriteLine();

        void Row(string label, IEnumerable<string> cells) =>
            table.AddRow(new[] { label }.Concat(cells).Select(c => new Text(c)).ToArray());
    }

    private static void RenderLayers(CliConsole console, LayerwiseReport layers, bool allLayers)
    {
        IReadOnlyList<LayerComparison> worst = layers.Worst(WorstLayers);
        if (worst.Count > 0)
        {
            console.Write(LayerTable($"the {worst.Count} layer(s) that added the most noise at their own node, worst first", worst, numbered: false, layers));
        }
        if (allLayers)
        {
            console.Write(LayerTable("every tensor both models compute from data, in node order", layers.Layers, numbered: true, layers));
        }
        console.WriteLine($"{layers.Layers.Count} layer(s) compared{(allLayers ? "" : " (--all-layers lists every one)")}; a tensor is off when its own SNR < {Numbers.G(layers.SnrThresholdDb)} dB, " +
            $"cosine < {Numbers.G(layers.CosineThreshold)}, or NaNs appear on one side only;");
        console.WriteLine($"the error jumps where an off tensor's node lost >= {Numbers.G(layers.JumpDb)} dB of SNR relative to its inputs (traced through tensors only one model has).");
        if (layers.OnlyInActual.Count + layers.OnlyInReference.Count > 0)
        {
            console.WriteLine($"not compared: {layers.OnlyInActual.Count} tensor(s) only in a, {layers.OnlyInReference.Count} only in b");
        }
        if (layers.FirstJump is { } jump)
        {
            console.WriteLine($"first jump: tensor '{jump.Tensor}' from node '{jump.Node}' ({jump.OpType}): SNR {Numbers.G(jump.SnrDb)} dB from its inputs' {Numbers.G(jump.InputSnrDb)} dB, " +
                $"max |a-b| {Numbers.G(jump.Comparison.AbsoluteError.Max)} (inputs' {Numbers.G(jump.InputMaxAbsoluteError)}), cosine {Numbers.G(jump.Comparison.Cosine)}");
        }
        else if (layers.FirstOff is { } off)
        {
            console.WriteLine($"no jump; the first off tensor is '{off.Tensor}' ({off.OpType}): the error grows gradually");
        }
        else
        {
            console.WriteLine("no tensor is off: every shared intermediate matches");
        }
        console.WriteLine();
    }

    /// <summary>Layers shown by default: enough to find the culprit, few enough to read.</summary>
    private const int WorstLayers = 10;

    private static Table LayerTable(string title, IEnumerable<LayerComparison> rows, bool numbered, LayerwiseReport layers)
    {
        var table = new Table { Title = new TableTitle(title) };
        foreach (string column in new[] { "#", "tensor", "op", "SNR dB", "inputs' SNR dB", "lost dB", "cosine", "max |a-b|", "status" })
        {
            table.AddColumn(column);
        }
        int i = 0;
        var index = numbered ? null : layers.Layers.Select((l, n) => (l, n)).ToDictionary(p => p.l, p => p.n + 1);
        foreach (LayerComparison l in rows)
        {
            int number = numbered ? ++i : index![l];
            string status = l.IsJump ? "JUMP" : l.IsOff ? "off" : "ok";
            table.AddRow(new Text(number.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(l.Tensor), new Text(l.OpType),
                new Text(Numbers.G(l.SnrDb)), new Text(Numbers.G(l.InputSnrDb)), new Text(Numbers.G(l.SnrDropDb)),
                new Text(Numbers.G(l.Comparison.Cosine)), new Text(Numbers.G(l.Comparison.AbsoluteError.Max)), new Text(status));
        }
        return table;
    }
}
