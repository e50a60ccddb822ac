using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TrtSharp.BindGen;

/// <summary>
/// Gets sizes and field offsets from clang's record layout dump. clang only lays out records a translation unit
/// needs, so a probe file that takes <c>sizeof</c> of every struct is compiled instead of the bare header.
/// </summary>
internal static partial class LayoutReader
{
    public static void Fill(HeaderModel model, string clang, string headerPath)
    {
        var probe = new StringBuilder();
        probe.Append("#include \"").Append(Path.GetFullPath(headerPath).Replace('\\', '/')).Append("\"\n");
        for (var i = 0; i < model.Structs.Count; i++)
        {
            probe.Append(CultureInfo.InvariantCulture, $"extern char trts_layout_probe_{i}[sizeof({model.Structs[i].Name})];\n");
        }

        var probePath = Path.Combine(Path.GetTempPath(), $"trtsharp-bindgen-{Environment.ProcessId}.c");
        File.WriteAllText(probePath, probe.ToString());
        string dump;
        try
        {
            dump = ClangRunner.Run(clang, ["-Xclang", "-fdump-record-layouts", "-fsyntax-only", "-x", "c", probePath]);
        }
        finally
        {
            File.Delete(probePath);
        }

        Parse(model, dump);
    }

    private static void Parse(HeaderModel model, string dump)
    {
        var byName = model.Structs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        CStruct? current = null;
        foreach (var line in dump.Split('\n'))
        {
            var header = RecordHeader().Match(line);
            if (header.Success)
            {
                current = byName.GetValueOrDefault(header.Groups[1].Value);
                continue;
            }

            if (current is null)
            {
                continue;
            }

            // Direct members are indented by exactly two spaces after the bar; deeper lines belong to nested structs.
            var field = DirectField().Match(line);
            if (field.Success)
            {
                var name = field.Groups[2].Value;
                current.Offsets[name] = int.Parse(field.Groups[1].Value, CultureInfo.InvariantCulture);
                continue;
            }

            var size = SizeLine().Match(line);
            if (size.Success)
            {
                current.Size = int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture);
                current = null;
            }
        }

        foreach (var s in model.Structs)
        {
            var missing = s.Fields.Where(f => !s.Offsets.ContainsKey(f.Name)).Select(f => f.Name).ToList();
            if (s.Size == 0 || missing.Count > 0)
            {
                throw new InvalidOperationException(
                    $"clang's layout dump lacks {s.Name} (size {s.Size}, missing fields: {string.Join(", ", missing)})");
            }
        }
    }

    [GeneratedRegex(@"^\s+0 \| struct (\w+)\s*$")]
    private static partial Regex RecordHeader();

    [GeneratedRegex(@"^\s+(\d+) \|   (?! ).*\W(\w+)\s*$")]
    private static partial Regex DirectField();

    [GeneratedRegex(@"^\s+\| \[sizeof=(\d+),")]
    private static partial Regex SizeLine();
}
