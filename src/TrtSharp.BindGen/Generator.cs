namespace TrtSharp.BindGen;

/// <summary>
/// Runs clang on the header and produces every generated file (path → content) in memory: the C# bindings, the
/// per-type handle classes, the layout tests and the core-only native stubs.
/// </summary>
internal static class Generator
{
    public static IReadOnlyDictionary<string, string> Generate(
        string header, string clang, string outDir, string testsOut, string nativeOut, string cmakeLists)
    {
        var ast = ClangRunner.Run(clang, ["-Xclang", "-ast-dump=json", "-fsyntax-only", "-x", "c", header]);
        var model = AstReader.Read(ast);
        if (model.Functions.Count == 0)
        {
            throw new InvalidOperationException($"no trts_ functions found in {header}");
        }

        LayoutReader.Fill(model, clang, header);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, header).Replace('\\', '/');
        var banner = CSharpEmitter.Banner(relative);
        var headerText = File.ReadAllText(header);
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Path.Combine(outDir, "TrtsEnums.g.cs")] = CSharpEmitter.Enums(model, banner),
            [Path.Combine(outDir, "TrtsStructs.g.cs")] = CSharpEmitter.Structs(model, banner),
            [Path.Combine(outDir, "TrtsNative.g.cs")] = CSharpEmitter.Functions(model, headerText, banner),
            [Path.Combine(outDir, "TrtsHandles.g.cs")] = HandleEmitter.Emit(model, banner),
            [Path.Combine(testsOut, "StructLayoutTests.g.cs")] = LayoutTestEmitter.Emit(model, banner),
            [Path.Combine(nativeOut, "unavailable.g.cpp")] = StubEmitter.Emit(model, cmakeLists, relative),
        };
    }
}
