using System.Text;
using Google.Protobuf;

namespace TrtSharp.Tests.BadInputs;

/// <summary>
/// Plans that are not plans (with a manifest that matches their bytes, so only TensorRT can refuse them) and real-looking
/// plans with broken manifests (<c>model.plan.json</c>).
/// </summary>
internal static class BadPlanFiles
{
    private const string ValidManifest = """
        {
          "manifest_version": 1, "tensor_rt_version": "10.16.1", "gpu_name": "NVIDIA H100", "compute_capability": "9.0",
          "model_sha256": "00", "plan_sha256": "00", "version_compatible": false, "hardware_compatibility": "none",
          "options": {}, "created_utc": "2026-01-01T00:00:00+00:00"
        }
        """;

    public static IEnumerable<BadInput> Plans()
    {
        yield return Plan("plan-empty", []);
        yield return Plan("plan-text", "this is not a TensorRT engine\n"u8.ToArray());
        yield return Plan("plan-random", Garbage(11, 4096));
        yield return Plan("plan-is-onnx", BadModelFiles.Valid().ToByteArray());
        yield return Plan("plan-fake-magic", [.. "ftrt"u8, .. Garbage(12, 512)]);
    }

    public static IEnumerable<BadInput> Manifests()
    {
        yield return Manifest("manifest-missing", "no manifest", null);
        yield return Manifest("manifest-empty", "not valid JSON", "");
        yield return Manifest("manifest-null", "empty", "null");
        yield return Manifest("manifest-array", "not valid JSON", "[1, 2, 3]");
        yield return Manifest("manifest-no-fields", "not valid JSON", "{}");
        yield return Manifest("manifest-wrong-types", "not valid JSON", ValidManifest.Replace("\"manifest_version\": 1", "\"manifest_version\": \"one\"", StringComparison.Ordinal));
        yield return Manifest("manifest-null-fields", "lacks", ValidManifest.Replace("\"10.16.1\"", "null", StringComparison.Ordinal).Replace("\"9.0\"", "null", StringComparison.Ordinal));
        yield return Manifest("manifest-deep", "not valid JSON", new string('[', 100_000) + new string(']', 100_000));
        yield return Manifest("manifest-binary", "not valid JSON", Encoding.Latin1.GetString(Garbage(13, 2048)));
        yield return Manifest("manifest-truncated", "not valid JSON", ValidManifest[..(ValidManifest.Length / 2)]);
    }

    // The manifest records the plan's real SHA-256: only deserialization can tell these bytes are no engine.
    private static BadInput Plan(string name, byte[] bytes) =>
        new(name, BadInputKind.Plan, "", dir =>
        {
            string path = Path.Combine(dir, "model.plan");
            File.WriteAllBytes(path, bytes);
            File.WriteAllText(path + ".json", ValidManifest.Replace("\"plan_sha256\": \"00\"", $"\"plan_sha256\": \"{TrtSharp.TensorRT.PlanManifest.Sha256(bytes)}\"", StringComparison.Ordinal));
            return path;
        });

    private static BadInput Manifest(string name, string problem, string? json) =>
        new(name, BadInputKind.PlanManifest, problem, dir =>
        {
            string path = Path.Combine(dir, "model.plan");
            File.WriteAllBytes(path, Garbage(14, 1024));
            if (json is not null)
            {
                File.WriteAllText(path + ".json", json);
            }
            return path;
        });

    private static byte[] Garbage(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
