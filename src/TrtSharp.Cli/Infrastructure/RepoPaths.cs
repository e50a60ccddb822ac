namespace TrtSharp.Cli.Infrastructure;

/// <summary>Finds the repository's default data when the CLI runs from a checkout.</summary>
internal static class RepoPaths
{
    /// <summary>
    /// The default calibration set's manifest: <c>calibration-data/manifest.csv</c> in the current folder or
    /// one of its parents, else next to the tool; null when none is found.
    /// </summary>
    public static string? FindCalibrationManifest()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "calibration-data", "manifest.csv");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
