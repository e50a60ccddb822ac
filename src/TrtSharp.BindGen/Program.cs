namespace TrtSharp.BindGen;

/// <summary>
/// trtsharp-bindgen: reads clang's JSON AST of trtsharp.h and writes the C# interop layer plus layout tests.
/// <c>--check</c> compares a fresh generation with the files on disk and exits 1 on any difference (for CI).
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: TrtSharp.BindGen --header <trtsharp.h> --out <dir> --tests-out <dir> [--clang clang-14] [--check]";

    private static int Main(string[] args)
    {
        string? header = null, outDir = null, testsOut = null;
        var clang = "clang-14";
        var check = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--header" when i + 1 < args.Length: header = args[++i]; break;
                case "--out" when i + 1 < args.Length: outDir = args[++i]; break;
                case "--tests-out" when i + 1 < args.Length: testsOut = args[++i]; break;
                case "--clang" when i + 1 < args.Length: clang = args[++i]; break;
                case "--check": check = true; break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (header is null || outDir is null || testsOut is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (!File.Exists(header))
        {
            Console.Error.WriteLine($"header not found: {header}");
            return 2;
        }

        try
        {
            var files = Generator.Generate(header, clang, outDir, testsOut);
            return check ? Check(files, outDir, testsOut) : Write(files);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"bindgen failed: {e.Message}");
            return 3;
        }
    }

    private static int Write(IReadOnlyDictionary<string, string> files)
    {
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            if (File.Exists(path) && File.ReadAllText(path) == content)
            {
                continue;
            }

            // Temp file + rename so an interrupted run never leaves a half-written source file.
            var temp = path + ".tmp";
            File.WriteAllText(temp, content);
            File.Move(temp, path, overwrite: true);
            Console.WriteLine($"wrote {path}");
        }

        return 0;
    }

    private static int Check(IReadOnlyDictionary<string, string> files, string outDir, string testsOut)
    {
        var differences = new List<string>();
        foreach (var (path, content) in files)
        {
            if (!File.Exists(path))
            {
                differences.Add($"missing: {path}");
            }
            else if (File.ReadAllText(path) != content)
            {
                differences.Add($"differs: {path}");
            }
        }

        var expected = new HashSet<string>(files.Keys.Select(Path.GetFullPath), StringComparer.Ordinal);
        foreach (var dir in new[] { outDir, testsOut }.Where(Directory.Exists))
        {
            differences.AddRange(Directory.EnumerateFiles(dir, "*.g.cs")
                .Where(f => !expected.Contains(Path.GetFullPath(f)))
                .Select(f => $"stale (not generated any more): {f}"));
        }

        if (differences.Count == 0)
        {
            Console.WriteLine($"bindings are up to date ({files.Count} files)");
            return 0;
        }

        Console.Error.WriteLine("generated bindings are out of date; rerun without --check:");
        foreach (var d in differences)
        {
            Console.Error.WriteLine("  " + d);
        }

        return 1;
    }
}
