namespace TrtSharp.BindGen;

/// <summary>
/// trtsharp-bindgen: reads clang's JSON AST of trtsharp.h and writes the C# interop layer (bindings and handle
/// classes), layout tests and the core-only native stubs.
/// <c>--check</c> compares a fresh generation with the files on disk and exits 1 on any difference (for CI).
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: TrtSharp.BindGen --header <trtsharp.h> --out <dir> --tests-out <dir> --native-out <dir> --cmake <CMakeLists.txt> " +
        "[--clang clang-14] [--check]";

    private static int Main(string[] args)
    {
        string? header = null, outDir = null, testsOut = null, nativeOut = null, cmake = null;
        var clang = "clang-14";
        var check = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--header" when i + 1 < args.Length: header = args[++i]; break;
                case "--out" when i + 1 < args.Length: outDir = args[++i]; break;
                case "--tests-out" when i + 1 < args.Length: testsOut = args[++i]; break;
                case "--native-out" when i + 1 < args.Length: nativeOut = args[++i]; break;
                case "--cmake" when i + 1 < args.Length: cmake = args[++i]; break;
                case "--clang" when i + 1 < args.Length: clang = args[++i]; break;
                case "--check": check = true; break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (header is null || outDir is null || testsOut is null || nativeOut is null || cmake is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        foreach (var input in new[] { header, cmake })
        {
            if (!File.Exists(input))
            {
                Console.Error.WriteLine($"input not found: {input}");
                return 2;
            }
        }

        try
        {
            var files = Generator.Generate(header, clang, outDir, testsOut, nativeOut, cmake);
            return check ? Check(files, outDir, testsOut, nativeOut) : Write(files);
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

    private static int Check(IReadOnlyDictionary<string, string> files, string outDir, string testsOut, string nativeOut)
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
        foreach (var dir in new[] { outDir, testsOut, nativeOut }.Where(Directory.Exists))
        {
            differences.AddRange(Directory.EnumerateFiles(dir, "*.g.*")
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
