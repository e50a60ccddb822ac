using System.Globalization;
using System.Text;

namespace TrtSharp.BindGen;

/// <summary>C snake_case names to C# names.</summary>
internal static class Naming
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "base", "bool", "byte", "char", "checked", "class", "const", "decimal", "default", "delegate", "do", "double",
        "event", "fixed", "float", "in", "int", "is", "lock", "long", "object", "operator", "out", "override",
        "params", "ref", "sizeof", "string", "struct", "this", "unchecked", "unsafe", "value",
    };

    /// <summary><c>trts_build_info</c> → <c>TrtsBuildInfo</c>; <c>TRTS_E_PARSE</c> → <c>TrtsEParse</c>.</summary>
    public static string Pascal(string snake)
    {
        var sb = new StringBuilder();
        foreach (var word in snake.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append(char.ToUpperInvariant(word[0])).Append(word[1..].ToLowerInvariant());
        }

        return sb.ToString();
    }

    /// <summary>A parameter name: camelCase, escaped when it is a C# keyword.</summary>
    public static string Parameter(string snake)
    {
        var pascal = Pascal(snake);
        var camel = char.ToLowerInvariant(pascal[0]) + pascal[1..];
        return Keywords.Contains(camel) ? "@" + camel : camel;
    }

    /// <summary>Exported function name without the library prefix: <c>trts_builder_create</c> → <c>BuilderCreate</c>.</summary>
    public static string Function(string cName) => Pascal(cName.StartsWith("trts_", StringComparison.Ordinal) ? cName[5..] : cName);

    /// <summary>
    /// Enum members lose the words every constant shares (<c>TRTS_DATA_TYPE_</c>), keeping names valid identifiers.
    /// </summary>
    public static IReadOnlyList<string> EnumMembers(IReadOnlyList<string> constants)
    {
        var split = constants.Select(c => c.Split('_')).ToList();
        var common = 0;
        while (split.All(s => s.Length > common + 1) && split.All(s => s[common] == split[0][common]))
        {
            common++;
        }

        return split.Select(s =>
        {
            var name = Pascal(string.Join('_', s.Skip(common)));
            return char.IsDigit(name[0]) ? "V" + name : name;
        }).ToList();
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Xml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
