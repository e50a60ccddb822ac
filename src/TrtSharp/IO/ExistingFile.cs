using TrtSharp.Errors;

namespace TrtSharp.IO;

/// <summary>The check every command makes on a file it is given to read, so a wrong path says what is wrong with it.</summary>
internal static class ExistingFile
{
    /// <summary>Throws unless <paramref name="path"/> is an existing file.</summary>
    /// <exception cref="ModelFormatException">The path is a directory ("is a directory") or does not exist ("file not found").</exception>
    public static void Require(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return;
        }
        // A folder given where a file belongs (e.g. an unpacked model directory) is a different mistake from a typo.
        throw Directory.Exists(path)
            ? new ModelFormatException(path, "is a directory, not a file")
            : new ModelFormatException(path, "file not found");
    }
}
