using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrtSharp.IO;

/// <summary>
/// The one JSON style of every report TrtSharp writes (compare, bench, quantize, conformance, inspect, plan manifests):
/// snake_case names, enums as snake_case strings, NaN/∞ as named literals, indented; files written atomically.
/// </summary>
internal static class ReportJson
{
    /// <summary>The serializer options shared by all reports.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The report as JSON text.</summary>
    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options);

    /// <summary>Writes the report to <paramref name="path"/> atomically.</summary>
    public static void Write<T>(string path, T document) => AtomicFile.WriteAllText(path, Serialize(document));

    /// <summary>Reads a report written with these options.</summary>
    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);
}
