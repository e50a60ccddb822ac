using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TrtSharp.BindGen;

/// <summary>Reads clang's JSON AST (<c>-ast-dump=json</c>) into a <see cref="HeaderModel"/>; only <c>trts_</c> declarations count.</summary>
internal static class AstReader
{
    private const string Prefix = "trts_";

    public static HeaderModel Read(string astJson)
    {
        var model = new HeaderModel();
        var complete = new HashSet<string>(StringComparer.Ordinal);
        var declared = new List<string>();
        using var doc = JsonDocument.Parse(astJson, new JsonDocumentOptions { MaxDepth = 4096 });
        foreach (var node in doc.RootElement.GetProperty("inner").EnumerateArray())
        {
            var name = Str(node, "name");
            if (name is null || !name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            switch (Str(node, "kind"))
            {
                case "EnumDecl":
                    model.Enums.Add(ReadEnum(node, name));
                    break;
                case "RecordDecl" when node.TryGetProperty("completeDefinition", out _):
                    complete.Add(name);
                    model.Structs.Add(new CStruct(name, Children(node, "FieldDecl")
                        .Select(f => new CField(Str(f, "name")!, QualType(f))).ToList(), DocOf(node)));
                    break;
                case "RecordDecl":
                    declared.Add(name);
                    break;
                case "TypedefDecl":
                    ReadTypedef(model, node, name);
                    break;
                case "FunctionDecl":
                    model.Functions.Add(ReadFunction(node, name));
                    break;
            }
        }

        model.OpaqueStructs.AddRange(declared.Where(d => !complete.Contains(d)).Distinct(StringComparer.Ordinal));
        return model;
    }

    private static CEnum ReadEnum(JsonElement node, string name)
    {
        var constants = new List<(string, long)>();
        long next = 0;
        foreach (var c in Children(node, "EnumConstantDecl"))
        {
            // Explicit initializers carry a ConstantExpr with the evaluated value; otherwise C counts up.
            var value = FindValue(c) ?? next;
            constants.Add((Str(c, "name")!, value));
            next = value + 1;
        }

        return new CEnum(name, constants, DocOf(node));
    }

    private static void ReadTypedef(HeaderModel model, JsonElement node, string name)
    {
        var type = QualType(node);
        var star = type.IndexOf("(*)(", StringComparison.Ordinal);
        if (star >= 0)
        {
            var ret = type[..star].Trim();
            var inner = type[(star + 4)..^1];
            var parameters = inner.Length == 0 || inner == "void"
                ? []
                : inner.Split(", ").Select(p => p.Trim()).ToList();
            model.FunctionPointers.Add(new CFunctionPointer(name, ret, parameters, DocOf(node)));
            return;
        }

        model.Typedefs[name] = type;
    }

    private static CFunction ReadFunction(JsonElement node, string name)
    {
        var type = QualType(node);
        var ret = type[..type.IndexOf('(', StringComparison.Ordinal)].Trim();
        var parameters = Children(node, "ParmVarDecl").Select(p => new CParameter(Str(p, "name")!, QualType(p))).ToList();
        return new CFunction(name, ret, parameters, DocOf(node));
    }

    private static long? FindValue(JsonElement node)
    {
        foreach (var child in Children(node, "ConstantExpr"))
        {
            if (Str(child, "value") is { } v)
            {
                return long.Parse(v, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string? DocOf(JsonElement node)
    {
        var full = Children(node, "FullComment").FirstOrDefault();
        if (full.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        var sb = new StringBuilder();
        CollectText(full, sb);
        var text = string.Join(' ', sb.ToString().Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? null : text;
    }

    private static void CollectText(JsonElement node, StringBuilder sb)
    {
        if (Str(node, "kind") == "TextComment" && Str(node, "text") is { } t)
        {
            sb.Append(t).Append(' ');
        }

        if (node.TryGetProperty("inner", out var inner))
        {
            foreach (var child in inner.EnumerateArray())
            {
                CollectText(child, sb);
            }
        }
    }

    private static List<JsonElement> Children(JsonElement node, string kind)
    {
        if (!node.TryGetProperty("inner", out var inner))
        {
            return [];
        }

        return inner.EnumerateArray().Where(c => Str(c, "kind") == kind).ToList();
    }

    private static string QualType(JsonElement node) => node.GetProperty("type").GetProperty("qualType").GetString()!;

    private static string? Str(JsonElement node, string property) =>
        node.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
