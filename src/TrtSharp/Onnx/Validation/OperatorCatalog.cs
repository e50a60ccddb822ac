using System.Globalization;
using System.Reflection;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx.Validation;

/// <summary>
/// The operators of the standard ONNX domains (ai.onnx, ai.onnx.ml, ai.onnx.preview.training) with their
/// versions and attribute types, read from the embedded table <c>OnnxOperators.txt</c>.
/// </summary>
internal static class OperatorCatalog
{
    /// <summary>The default domain's canonical name; "" means the same.</summary>
    public const string DefaultDomain = "ai.onnx";

    private static readonly Lazy<Dictionary<(string Domain, string Name), OperatorSchema>> Table = new(Load);

    /// <summary>The domains whose operators the catalog lists; others (custom, com.microsoft) are not checked.</summary>
    public static IReadOnlySet<string> KnownDomains { get; } = new HashSet<string>(StringComparer.Ordinal) { DefaultDomain, "ai.onnx.ml", "ai.onnx.preview.training" };

    /// <summary>"ai.onnx" for "" and "ai.onnx"; other domains unchanged.</summary>
    public static string Canonical(string domain) => domain.Length == 0 ? DefaultDomain : domain;

    /// <summary>The operator <paramref name="name"/> (case-sensitive) of <paramref name="domain"/>, or null.</summary>
    public static OperatorSchema? Find(string domain, string name) => Table.Value.GetValueOrDefault((Canonical(domain), name));

    /// <summary>The operator of <paramref name="domain"/> whose name differs only in case, or null (for "did you mean").</summary>
    public static OperatorSchema? FindIgnoringCase(string domain, string name)
    {
        string d = Canonical(domain);
        return Table.Value.Values.FirstOrDefault(s => s.Domain == d && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every operator of the catalog.</summary>
    public static IReadOnlyCollection<OperatorSchema> All => Table.Value.Values;

    private static Dictionary<(string, string), OperatorSchema> Load()
    {
        using Stream stream = typeof(OperatorCatalog).Assembly.GetManifestResourceStream("TrtSharp.Onnx.Validation.OnnxOperators.txt")
            ?? throw new InvalidOperationException("the operator table is not embedded in the TrtSharp assembly");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<(string, string), OperatorSchema>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var schema = Parse(line);
            table[(schema.Domain, schema.Name)] = schema;
        }
        return table;
    }

    // "domain name v1,v2[ deprecated N][ | attr:TYPE[|TYPE] ...]"
    private static OperatorSchema Parse(string line)
    {
        string[] halves = line.Split(" | ", 2);
        string[] head = halves[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int[] versions = [.. head[2].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
        int? deprecated = head.Length >= 5 && head[3] == "deprecated" ? int.Parse(head[4], CultureInfo.InvariantCulture) : null;
        var attributes = new Dictionary<string, IReadOnlyList<AttributeProto.Types.AttributeType>>(StringComparer.Ordinal);
        if (halves.Length == 2)
        {
            foreach (string entry in halves[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int colon = entry.IndexOf(':', StringComparison.Ordinal);
                attributes[entry[..colon]] = [.. entry[(colon + 1)..].Split('|').Select(ParseType)];
            }
        }
        return new OperatorSchema(head[0], head[1], versions, deprecated, attributes);
    }

    private static AttributeProto.Types.AttributeType ParseType(string name) => name switch
    {
        "FLOAT" => AttributeProto.Types.AttributeType.Float,
        "INT" => AttributeProto.Types.AttributeType.Int,
        "STRING" => AttributeProto.Types.AttributeType.String,
        "TENSOR" => AttributeProto.Types.AttributeType.Tensor,
        "GRAPH" => AttributeProto.Types.AttributeType.Graph,
        "SPARSE_TENSOR" => AttributeProto.Types.AttributeType.SparseTensor,
        "TYPE_PROTO" => AttributeProto.Types.AttributeType.TypeProto,
        "FLOATS" => AttributeProto.Types.AttributeType.Floats,
        "INTS" => AttributeProto.Types.AttributeType.Ints,
        "STRINGS" => AttributeProto.Types.AttributeType.Strings,
        "TENSORS" => AttributeProto.Types.AttributeType.Tensors,
        "GRAPHS" => AttributeProto.Types.AttributeType.Graphs,
        "SPARSE_TENSORS" => AttributeProto.Types.AttributeType.SparseTensors,
        "TYPE_PROTOS" => AttributeProto.Types.AttributeType.TypeProtos,
        _ => throw new InvalidOperationException($"operator table: unknown attribute type '{name}'"),
    };
}
