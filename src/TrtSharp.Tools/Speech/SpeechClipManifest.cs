using System.Globalization;
using System.Text;
using TrtSharp.Errors;

namespace TrtSharp.Tools.Speech;

/// <summary>
/// Reads the <c>manifest.csv</c> of a speech calibration set (see <c>calibration-data/README.md</c>):
/// header <c>file,text,voice,speed_wpm,pitch,kind,wake_word,split,samples</c>, one clip per line,
/// fields optionally in double quotes.
/// </summary>
public static class SpeechClipManifest
{
    private static readonly string[] Header = ["file", "text", "voice", "speed_wpm", "pitch", "kind", "wake_word", "split", "samples"];

    /// <summary>Reads every clip; WAV paths are resolved against the manifest's folder.</summary>
    /// <exception cref="ModelFormatException">A wrong header, a malformed line or an unknown kind/split.</exception>
    public static IReadOnlyList<SpeechClip> Read(string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        string full = System.IO.Path.GetFullPath(manifestPath);
        string folder = System.IO.Path.GetDirectoryName(full)!;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(full, $"cannot read the manifest: {e.Message}", e);
        }
        if (lines.Length == 0 || !SplitCsv(lines[0]).SequenceEqual(Header))
        {
            throw new ModelFormatException(full, $"the first line must be '{string.Join(",", Header)}'");
        }
        var clips = new List<SpeechClip>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            List<string> f = SplitCsv(lines[i]);
            if (f.Count != Header.Length)
            {
                throw new ModelFormatException(full, $"line {i + 1} has {f.Count} fields, expected {Header.Length}");
            }
            SpeechClipKind kind = Enum.TryParse(f[5], ignoreCase: true, out SpeechClipKind k) && Enum.IsDefined(k)
                ? k
                : throw new ModelFormatException(full, $"line {i + 1}: unknown kind '{f[5]}' (wake, speech, silence, noise)");
            bool holdout = f[7] switch
            {
                "holdout" => true,
                "calib" => false,
                _ => throw new ModelFormatException(full, $"line {i + 1}: unknown split '{f[7]}' (calib, holdout)"),
            };
            if (!long.TryParse(f[8], NumberStyles.None, CultureInfo.InvariantCulture, out long samples))
            {
                throw new ModelFormatException(full, $"line {i + 1}: sample count '{f[8]}' is not a number");
            }
            clips.Add(new SpeechClip(
                System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, f[0])),
                f[1], f[2], OptionalInt(f[3], full, i), OptionalInt(f[4], full, i), kind,
                f[6].Length == 0 ? null : f[6], holdout, samples));
        }
        return clips;
    }

    private static int? OptionalInt(string s, string file, int line) =>
        s.Length == 0 ? null
        : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
        : throw new ModelFormatException(file, $"line {line + 1}: '{s}' is not a whole number");

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        fields.Add(current.ToString());
        return fields;
    }
}
