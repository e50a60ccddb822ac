using System.Text.RegularExpressions;

namespace TrtSharp.Tests.Packaging;

/// <summary>
/// The folder feed the Pack target fills (<c>TRTSHARP_PACKAGE_FEED</c>) and a scratch folder that consumes it like a
/// user would: a nuget.config naming the feed beside the normal source, and a package folder of its own so a package
/// rebuilt with the same version is never served from a stale cache.
/// </summary>
internal sealed partial class LocalFeed : IDisposable
{
    /// <summary>Environment variable naming the feed; the Test and PackageSmoke targets set it after packing.</summary>
    public const string Variable = "TRTSHARP_PACKAGE_FEED";

    private LocalFeed(string feed, string version, string scratch)
    {
        Feed = feed;
        Version = version;
        Scratch = scratch;
        Packages = Directory.CreateDirectory(Path.Combine(scratch, "nuget-packages")).FullName;
        // Already-restored third-party packages are read from the user's folder instead of copied (a fallback folder
        // is read-only to restore); TrtSharp's own packages must come from the feed.
        string userPackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(scratch, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="trtsharp-local" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="user-packages" value="{userPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        Environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Packages,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
    }

    /// <summary>The feed folder (absolute).</summary>
    public string Feed { get; }

    /// <summary>The version of the TrtSharp package in the feed.</summary>
    public string Version { get; }

    /// <summary>A fresh folder outside the checkout, holding nuget.config.</summary>
    public string Scratch { get; }

    /// <summary>The package folder restores in <see cref="Scratch"/> extract into.</summary>
    public string Packages { get; }

    /// <summary>What every child process gets.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>
    /// The feed named by <see cref="Variable"/>, or an ignored test when it is unset (the Test target always sets it,
    /// so CI runs the smoke). A set variable without a TrtSharp package fails.
    /// </summary>
    public static LocalFeed Open()
    {
        string? feed = System.Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(feed))
        {
            Assert.Ignore($"{Variable} is not set: run 'dotnet cake --target=PackageSmoke' (the Test target runs it too)");
        }
        feed = Path.GetFullPath(feed!);
        var versions = Directory.Exists(feed)
            ? Directory.GetFiles(feed, "TrtSharp.*.nupkg").Select(f => CorePackage().Match(Path.GetFileName(f))).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList()
            : [];
        Assert.That(versions, Has.Count.EqualTo(1), $"{Variable}={feed} must hold exactly one TrtSharp.<version>.nupkg");
        string scratch = Directory.CreateTempSubdirectory("trtsharp-package-smoke").FullName;
        return new LocalFeed(feed, versions[0], scratch);
    }

    /// <summary>A package file in the feed, e.g. <c>TrtSharp.Cli</c>.</summary>
    public string PackageFile(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Runs <paramref name="program"/> in <paramref name="workingDirectory"/> (default: the scratch folder).</summary>
    public ProcessResult Run(string program, IEnumerable<string> args, string? workingDirectory = null, int timeoutSeconds = 300) =>
        DotnetProcess.Run(program, args, workingDirectory ?? Scratch, Environment, TimeSpan.FromSeconds(timeoutSeconds));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
            // A child process still holding a file: the temp folder is left for the system to clean.
        }
    }

    // TrtSharp.0.1.0.nupkg, not TrtSharp.Cli.0.1.0.nupkg: the version starts with a digit.
    [GeneratedRegex(@"^TrtSharp\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex CorePackage();
}
