using Spectre.Console;
using TrtSharp.Quantization.Precision;

namespace TrtSharp.Cli.Rendering;

/// <summary>The held-out validation table quantize and autocast print: a prepared model against its FP32 original.</summary>
internal static class AgreementTable
{
    public static Table Create(string title, IEnumerable<OutputAgreement> validation)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumns("output", "values", "cosine", "min sample cosine", "SNR dB", "max abs err", "mean abs err");
        foreach (var v in validation)
        {
            table.AddRow(Markup.Escape(v.Name), v.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{v.Cosine:0.00000}",
                $"{v.MinSampleCosine:0.00000}", $"{v.SnrDb:0.0}", Numbers.G(v.MaxAbsoluteError), Numbers.G(v.MeanAbsoluteError));
        }
        return table;
    }
}
