namespace TrtSharp.IO;

/// <summary>File names derived from tensor names, which may hold '/', ':' and other characters no file system accepts.</summary>
internal static class FileNames
{
    private static readonly HashSet<char> Invalid = [.. Path.GetInvalidFileNameChars(), ':', '\\', '*', '?', '"', '<', '>', '|'];

    /// <summary><paramref name="name"/> with every character unsafe in a file name replaced by '_'.</summary>
    public static string Safe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new string(name.Select(c => Invalid.Contains(c) ? '_' : c).ToArray());
    }
}
