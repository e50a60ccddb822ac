using TrtSharp.Inference;

namespace TrtSharp.Benchmarking;

/// <summary>One backend × precision cell of a benchmark matrix.</summary>
/// <param name="Backend">Which backend runs the cell.</param>
/// <param name="Device">What executes it ("CPU", "GPU").</param>
/// <param name="Precision">"FP32", "FP16", "INT8".</param>
/// <param name="ModelPath">The model file run for this cell, or null when there is none.</param>
/// <param name="Unavailable">Why the cell cannot run here, or null when it can.</param>
public sealed record MatrixVariant(InferenceBackend Backend, string Device, string Precision, string? ModelPath, string? Unavailable)
{
    /// <summary>Label for tables and charts, e.g. "ORT CPU INT8".</summary>
    public string Label => $"{(Backend == InferenceBackend.OnnxRuntime ? "ORT" : "TensorRT")} {Device} {Precision}";

    /// <summary>
    /// The cells for <paramref name="modelPath"/>: ORT CPU FP32 (the model itself), ORT CPU INT8 and FP16 from the given
    /// files or, when not given, from <c>&lt;name&gt;.int8.onnx</c>, <c>&lt;name&gt;.int8.qdq.onnx</c>, <c>&lt;name&gt;.qdq.onnx</c>
    /// and <c>&lt;name&gt;.fp16.onnx</c> next to it; TensorRT FP32/FP16/INT8 marked unavailable with
    /// <paramref name="tensorRtUnavailable"/> when that is not null.
    /// </summary>
    public static IReadOnlyList<MatrixVariant> Discover(string modelPath, string? int8Path, string? fp16Path, string? tensorRtUnavailable)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".";
        string stem = Path.GetFileNameWithoutExtension(modelPath);
        int8Path ??= FirstExisting(folder, $"{stem}.int8.onnx", $"{stem}.int8.qdq.onnx", $"{stem}.qdq.onnx");
        fp16Path ??= FirstExisting(folder, $"{stem}.fp16.onnx");
        var variants = new List<MatrixVariant>
        {
            new(InferenceBackend.OnnxRuntime, "CPU", "FP32", modelPath, null),
            new(InferenceBackend.OnnxRuntime, "CPU", "FP16", fp16Path, fp16Path is null ? $"no FP16 model (give --fp16 or put {stem}.fp16.onnx next to the model)" : null),
            new(InferenceBackend.OnnxRuntime, "CPU", "INT8", int8Path, int8Path is null ? $"no INT8 model (give --int8 or put {stem}.int8.onnx / {stem}.qdq.onnx next to the model)" : null),
        };
        foreach (string precision in new[] { "FP32", "FP16", "INT8" })
        {
            variants.Add(new MatrixVariant(InferenceBackend.TensorRt, "GPU", precision, null, tensorRtUnavailable));
        }
        return variants;
    }

    private static string? FirstExisting(string folder, params string[] names) =>
        names.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
}
