using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;

namespace TrtSharp.Cli.Infrastructure;

/// <summary>
/// The normalized form of a model for consumers that read files (TensorRT's parser): the original path when
/// normalization changes nothing (or cannot run), else a temporary copy deleted on dispose.
/// </summary>
internal sealed class NormalizedModelFile : IDisposable
{
    private readonly string? _tempDirectory;

    private NormalizedModelFile(string path, NormalizationReport? report, string? tempDirectory)
    {
        Path = path;
        Report = report;
        _tempDirectory = tempDirectory;
    }

    /// <summary>The file to read.</summary>
    public string Path { get; }

    /// <summary>What normalization changed; null when it could not run and the original is used.</summary>
    public NormalizationReport? Report { get; }

    /// <summary>Normalizes <paramref name="modelPath"/> into a temporary file when that changes anything.</summary>
    public static NormalizedModelFile For(string modelPath)
    {
        var model = OnnxModel.Load(modelPath);
        try
        {
            ModelNormalizer.Normalize(model);
        }
        catch (TrtSharpException)
        {
            // The builder's own parser then decides about the model as it is.
            return new NormalizedModelFile(modelPath, null, null);
        }
        if (!model.Normalization!.Changed)
        {
            return new NormalizedModelFile(modelPath, model.Normalization, null);
        }
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trtsharp-normalized-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string file = System.IO.Path.Combine(dir, System.IO.Path.GetFileName(modelPath));
        model.Save(file);
        return new NormalizedModelFile(file, model.Normalization, dir);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_tempDirectory is not null)
        {
            try
            {
                Directory.Delete(_tempDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
