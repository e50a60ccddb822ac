using TrtSharp.Errors;

namespace TrtSharp.Datasets;

/// <summary>
/// A dataset manifest: a <c>.csv</c> whose header names model inputs and whose every other row is one sample, a
/// <c>.npy</c> or <c>.pb</c> file per input, relative to the manifest's folder (or absolute). Blank lines and lines
/// starting with <c>#</c> are skipped; cells are trimmed; there is no quoting, so paths cannot contain commas.
/// <code>
/// x,mask
/// s000/x.npy,s000/mask.npy
/// s001/x.npy,s001/mask.npy
/// </code>
/// </summary>
internal static class SampleManifest
{
    /// <summary>Reads the samples <paramref name="path"/> lists; files are checked for existence here, contents when read.</summary>
    /// <exception cref="ModelFormatException">No header, a row with another number of cells, an empty cell, a file that does not exist.</exception>
    public static IReadOnlyList<TensorSample> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string[]? header = null;
        var samples = new List<TensorSample>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            string[] cells = [.. line.Split(',').Select(c => c.Trim())];
            if (header is null)
            {
                if (cells.Any(c => c.Length == 0) || cells.Distinct(StringComparer.Ordinal).Count() != cells.Length)
                {
                    throw new ModelFormatException(path, $"line {lineNumber}: the header must name each input once (e.g. 'x,mask')");
                }
                header = cells;
                continue;
            }
            if (cells.Length != header.Length)
            {
                throw new ModelFormatException(path, $"line {lineNumber} has {cells.Length} cells, the header {header.Length} ({string.Join(",", header)})");
            }
            var files = new List<SampleFile>();
            for (int i = 0; i < cells.Length; i++)
            {
                if (cells[i].Length == 0)
                {
                    throw new ModelFormatException(path, $"line {lineNumber} has no file for input '{header[i]}'");
                }
                string file = Path.Combine(folder, cells[i]);
                if (!File.Exists(file))
                {
                    throw new ModelFormatException(path, $"line {lineNumber}: {file} not found");
                }
                files.Add(new SampleFile(file, header[i]));
            }
            samples.Add(new TensorSample($"{path} line {lineNumber}", files));
        }
        if (header is null)
        {
            throw new ModelFormatException(path, "the manifest is empty: a header naming the inputs, then one row of files per sample");
        }
        return samples;
    }
}
