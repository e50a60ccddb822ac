namespace TrtSharp.Tests.Docs;

/// <summary>Finds files of the checkout the tests run from.</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder holding TrtSharp.sln above the test binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TrtSharp.sln")))
            {
                return dir.FullName;
            }
        }
        Assert.Fail($"no TrtSharp.sln above {AppContext.BaseDirectory}");
        return string.Empty;
    }

    /// <summary>The full path of <paramref name="relative"/> (forward slashes) in the checkout.</summary>
    public static string PathOf(string relative) => Path.Combine([Root(), .. relative.Split('/')]);
}
