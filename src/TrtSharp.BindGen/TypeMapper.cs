namespace TrtSharp.BindGen;

/// <summary>Maps C type spellings from clang (<c>const trts_blob **</c>, <c>int64_t[8]</c>) to blittable C# types.</summary>
internal sealed class TypeMapper(HeaderModel model)
{
    private readonly Dictionary<string, CFunctionPointer> functionPointers =
        model.FunctionPointers.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private readonly HashSet<string> records = new(
        model.Structs.Select(s => s.Name).Concat(model.OpaqueStructs).Concat(model.Enums.Select(e => e.Name)),
        StringComparer.Ordinal);

    public string Map(string cType)
    {
        var t = cType.Replace("const ", string.Empty, StringComparison.Ordinal)
            .Replace("struct ", string.Empty, StringComparison.Ordinal)
            .Replace("enum ", string.Empty, StringComparison.Ordinal).Trim();
        var stars = 0;
        while (t.EndsWith('*'))
        {
            stars++;
            t = t[..^1].TrimEnd();
        }

        if (t.EndsWith(" const", StringComparison.Ordinal))
        {
            t = t[..^6].TrimEnd();
        }

        return MapBase(t) + new string('*', stars);
    }

    /// <summary>A fixed-size array field (<c>int64_t[8]</c>): element type and length, or null.</summary>
    public (string Element, int Length)? Array(string cType)
    {
        var open = cType.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        var length = int.Parse(cType[(open + 1)..cType.IndexOf(']', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        return (Map(cType[..open]), length);
    }

    private string MapBase(string t)
    {
        switch (t)
        {
            case "void": return "void";
            case "char": return "byte";
            case "int8_t": return "sbyte";
            case "uint8_t": return "byte";
            case "int16_t": return "short";
            case "uint16_t": return "ushort";
            case "int32_t" or "int": return "int";
            case "uint32_t" or "unsigned int": return "uint";
            case "int64_t": return "long";
            case "uint64_t": return "ulong";
            case "float": return "float";
            case "double": return "double";
            case "size_t": return "nuint";
        }

        if (functionPointers.TryGetValue(t, out var fp))
        {
            var types = fp.ParameterTypes.Select(Map).Append(Map(fp.ReturnType));
            return $"delegate* unmanaged[Cdecl]<{string.Join(", ", types)}>";
        }

        if (records.Contains(t))
        {
            return Naming.Pascal(t);
        }

        if (model.Typedefs.TryGetValue(t, out var aliased) && aliased != t)
        {
            return Map(aliased);
        }

        throw new InvalidOperationException($"BindGen has no C# mapping for the C type '{t}'");
    }
}
