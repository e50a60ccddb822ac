namespace TrtSharp.Tools.Models;

/// <summary>Where installed model packages live: one folder per package version under <c>&lt;root&gt;/models</c>.</summary>
public static class ModelCache
{
    /// <summary>Environment variable that replaces <c>~/.cache/trtsharp</c> as the cache root.</summary>
    public const string CacheVariable = "TRTSHARP_CACHE";

    /// <summary>
    /// The cache root: <c>$TRTSHARP_CACHE</c> when set, else <c>~/.cache/trtsharp</c>
    /// (<c>$XDG_CACHE_HOME/trtsharp</c> when that is set).
    /// </summary>
    public static string Root
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

    /// <summary>The folder of <paramref name="package"/> under <paramref name="cacheRoot"/> (default <see cref="Root"/>).</summary>
    public static string PackageDirectory(ModelPackage package, string? cacheRoot = null) =>
        Path.Combine(Path.GetFullPath(cacheRoot ?? Root), "models", package.FolderName);
}
