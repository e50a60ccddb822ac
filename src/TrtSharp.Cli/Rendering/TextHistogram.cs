using System.Text;

namespace TrtSharp.Cli.Rendering;

/// <summary>A histogram drawn with text bars, one line per bin, readable in any terminal or log.</summary>
internal static class TextHistogram
{
    /// <summary>
    /// One line per bin: "[lo, hi)  count  ####", bars scaled to <paramref name="barWidth"/> characters for the
    /// fullest bin; a non-empty bin always shows at least one mark so that rare large errors stay visible.
    /// </summary>
    public static string Render(ReadOnlySpan<long> counts, double rangeMax, int barWidth = 40)
    {
        var text = new StringBuilder();
        long most = 0, total = 0;
        foreach (long c in counts)
        {
            most = Math.Max(most, c);
            total += c;
        }
        if (rangeMax <= 0)
        {
            // Every value is exactly 0: ten empty bins of width 0 would only hide that.
            return $"all {total} values are 0{Environment.NewLine}";
        }
        double width = counts.Length > 0 ? rangeMax / counts.Length : 0;
        for (int i = 0; i < counts.Length; i++)
        {
            int marks = most == 0 ? 0 : (int)Math.Round((double)counts[i] / most * barWidth);
            if (counts[i] > 0 && marks == 0)
            {
                marks = 1;
            }
            string close = i == counts.Length - 1 ? "]" : ")";
            text.Append('[').Append(Numbers.G(i * width).PadLeft(10)).Append(", ").Append(Numbers.G((i + 1) * width).PadLeft(10)).Append(close)
                .Append(' ').Append(counts[i].ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(10)).Append(' ')
                .Append('#', marks).AppendLine();
        }
        return text.ToString();
    }
}
