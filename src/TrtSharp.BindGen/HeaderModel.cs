namespace TrtSharp.BindGen;

/// <summary>One enum of the header with its constants in declaration order.</summary>
internal sealed record CEnum(string Name, IReadOnlyList<(string Name, long Value)> Constants, string? Doc);

/// <summary>One field of a C struct: its name and C type spelling (arrays as <c>T[N]</c>).</summary>
internal sealed record CField(string Name, string Type);

/// <summary>A complete struct of the header, with the layout clang computed for it.</summary>
internal sealed record CStruct(string Name, IReadOnlyList<CField> Fields, string? Doc)
{
    public int Size { get; set; }
    public Dictionary<string, int> Offsets { get; } = new(StringComparer.Ordinal);
}

/// <summary>A function-pointer typedef: return type and parameter types.</summary>
internal sealed record CFunctionPointer(string Name, string ReturnType, IReadOnlyList<string> ParameterTypes, string? Doc);

/// <summary>One parameter of an exported function.</summary>
internal sealed record CParameter(string Name, string Type);

/// <summary>One exported function.</summary>
internal sealed record CFunction(string Name, string ReturnType, IReadOnlyList<CParameter> Parameters, string? Doc);

/// <summary>Everything BindGen reads from the header.</summary>
internal sealed class HeaderModel
{
    public List<CEnum> Enums { get; } = [];
    public List<CStruct> Structs { get; } = [];
    public List<string> OpaqueStructs { get; } = [];
    public List<CFunctionPointer> FunctionPointers { get; } = [];
    public List<CFunction> Functions { get; } = [];
    public Dictionary<string, string> Typedefs { get; } = new(StringComparer.Ordinal);
}
