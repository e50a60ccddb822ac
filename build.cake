// The one entry point: native shim, bindings, build, tests, models, demo, pack, benchmarks.
// Run with: dotnet tool restore && dotnet cake --target=<Task>
var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var root = MakeAbsolute(Directory("."));
var artifacts = root.Combine("artifacts");
var nativeBuild = root.Combine("build/native");

void Run(string tool, string arguments, string? workingDirectory = null)
{
    Information($"$ {tool} {arguments}");
    var code = StartProcess(tool, new ProcessSettings
    {
        Arguments = arguments,
        WorkingDirectory = workingDirectory ?? root.FullPath,
    });
    if (code != 0)
    {
        throw new Exception($"'{tool} {arguments}' failed with exit code {code}");
    }
}

string Cli(string arguments) =>
    $"run --project src/TrtSharp.Cli -c {configuration} --no-build -- {arguments}";

Task("Clean")
    .Does(() =>
{
    CleanDirectories(new[] { artifacts.FullPath, nativeBuild.FullPath });
    DotNetClean("TrtSharp.sln");
});

Task("Native")
    .Description("Builds the native shim (core-only without TensorRT, full with it).")
    .Does(() =>
{
    Run("cmake", $"-S . -B \"{nativeBuild}\" -DCMAKE_BUILD_TYPE=Release");
    Run("cmake", $"--build \"{nativeBuild}\" --parallel 2");
});

Task("Bindings")
    .Description("Regenerates src/TrtSharp/Interop/Generated from native/include/trtsharp/trtsharp.h.")
    .Does(() =>
{
    Run("dotnet", "run --project src/TrtSharp.BindGen -c Release -- --header native/include/trtsharp/trtsharp.h --out src/TrtSharp/Interop/Generated --tests-out tests/TrtSharp.Tests/Interop/Generated");
});

Task("CheckBindings")
    .Description("Fails when the committed generated bindings differ from a fresh generation.")
    .Does(() =>
{
    Run("dotnet", "run --project src/TrtSharp.BindGen -c Release -- --header native/include/trtsharp/trtsharp.h --out src/TrtSharp/Interop/Generated --tests-out tests/TrtSharp.Tests/Interop/Generated --check");
});

Task("Build")
    .Does(() =>
{
    DotNetBuild("TrtSharp.sln", new DotNetBuildSettings { Configuration = configuration });
});

Task("Models")
    .Description("Installs the default speech models into the cache and checks their SHA-256.")
    .IsDependentOn("Build")
    .Does(() =>
{
    Run("dotnet", Cli("models fetch"));
});

Task("Test")
    .Description("Native shim, binding check, build, default models, then every test with a TRX log in artifacts/test-results.")
    .IsDependentOn("Native")
    .IsDependentOn("CheckBindings")
    .IsDependentOn("Build")
    .IsDependentOn("Models")
    .Does(() =>
{
    DotNetTest("tests/TrtSharp.Tests/TrtSharp.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        ResultsDirectory = artifacts.Combine("test-results"),
        Loggers = new[] { "trx;LogFileName=TrtSharp.Tests.trx", "console;verbosity=normal" },
        // The shim tests must run in CI, never skip: TRTSHARP_REQUIRE_NATIVE turns a missing library into a failure.
        EnvironmentVariables = new Dictionary<string, string?> { ["TRTSHARP_NATIVE_PATH"] = nativeBuild.FullPath, ["TRTSHARP_REQUIRE_NATIVE"] = "1" },
    });
});

Task("SanitizerTest")
    .Description("Core-only shim built with AddressSanitizer + UBSan into build/native-asan, then every test that calls it (docs/sanitizers.md).")
    .IsDependentOn("Build")
    .Does(() =>
{
    var asanBuild = root.Combine("build/native-asan");
    // GCC's runtimes: a .NET host is not instrumented, so libasan must be preloaded into the test host to come first.
    Run("cmake", $"--fresh -S . -B \"{asanBuild}\" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRTSHARP_FORCE_CORE_ONLY=ON -DCMAKE_CXX_COMPILER=g++ " +
        "\"-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer\" " +
        "\"-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined\"");
    Run("cmake", $"--build \"{asanBuild}\" --parallel 2");
    StartProcess("g++", new ProcessSettings { Arguments = "-print-file-name=libasan.so", RedirectStandardOutput = true }, out var lines);
    var libasan = lines.FirstOrDefault()?.Trim();
    if (string.IsNullOrEmpty(libasan) || !System.IO.File.Exists(libasan))
    {
        throw new Exception("libasan.so not found (g++ -print-file-name=libasan.so); install g++");
    }
    // dotnet test -e reaches the test host (and the vstest console, which is harmless). handle_segv=0 leaves SIGSEGV to
    // the runtime (managed NullReferenceException). Leak detection is off: LeakSanitizer's stop-the-world tracer
    // crashes inside a .NET host about every other run (docs/sanitizers.md), and the test platform kills its host before
    // an at-exit check could run; lost handles are caught by the managed leak check on every test instead.
    var env = new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = libasan,
        ["ASAN_OPTIONS"] = "detect_leaks=0:handle_segv=0:halt_on_error=1",
        ["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1",
        ["TRTSHARP_NATIVE_PATH"] = asanBuild.FullPath,
        ["TRTSHARP_REQUIRE_NATIVE"] = "1",
        ["TRTSHARP_EXPECT_SANITIZER"] = "1",
    };
    var settings = string.Join(" ", env.Select(p => $"-e \"{p.Key}={p.Value}\""));
    var filter = "Category=Native|FullyQualifiedName~TrtSharp.Tests.TensorRT|FullyQualifiedName~TrtSharp.Tests.Interop";
    Run("dotnet", $"test tests/TrtSharp.Tests/TrtSharp.Tests.csproj -c {configuration} --no-build --filter \"{filter}\" " +
        $"--results-directory \"{artifacts.Combine("test-results")}\" --logger \"trx;LogFileName=TrtSharp.Sanitizer.trx\" {settings}");

    // Self-check: an out-of-bounds read inside the shim must stop the host with AddressSanitizer's report.
    var logs = artifacts.Combine("sanitizer");
    CleanDirectory(logs);
    env["ASAN_OPTIONS"] += $":log_path={logs.CombineWithFilePath("canary")}";
    env["TRTSHARP_ASAN_CANARY"] = "1";
    var canary = string.Join(" ", env.Select(p => $"-e \"{p.Key}={p.Value}\""));
    int code = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = $"test tests/TrtSharp.Tests/TrtSharp.Tests.csproj -c {configuration} --no-build --filter \"FullyQualifiedName~SanitizerBuildTests.OverflowCanary\" {canary}",
        WorkingDirectory = root.FullPath,
    });
    var report = string.Join("\n", GetFiles(logs.FullPath + "/canary.*").Select(f => System.IO.File.ReadAllText(f.FullPath)));
    if (code == 0 || !report.Contains("heap-buffer-overflow") || !report.Contains("trts_blob_create"))
    {
        throw new Exception($"the AddressSanitizer canary was not caught (exit {code}); reports in {logs}");
    }
    Information("AddressSanitizer canary caught: heap-buffer-overflow in trts_blob_create");
});

Task("Demo")
    .Description("The main job on the default speech models.")
    .IsDependentOn("Native")
    .IsDependentOn("Build")
    .IsDependentOn("Models")
    .Does(() =>
{
    Run("dotnet", Cli("demo --output-dir artifacts/demo"));
});

Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetPack("TrtSharp.sln", new DotNetPackSettings { Configuration = configuration, NoBuild = true, OutputDirectory = artifacts.Combine("packages") });
});

Task("Benchmarks")
    .Description("A short BenchmarkDotNet job over every benchmark; GitHub-markdown tables go to docs/benchmarks.md.")
    .Does(() =>
{
    var filter = Argument("filter", "*");
    var results = artifacts.Combine("benchmarks");
    CleanDirectory(results);
    Run("dotnet", $"run -c Release --project tests/TrtSharp.Benchmarks -- --filter \"{filter}\" --job short --exporters github --artifacts \"{results}\"");
    var tables = GetFiles(results.FullPath + "/results/*-report-github.md").OrderBy(f => f.FullPath).ToList();
    var text = new System.Text.StringBuilder();
    text.AppendLine("# Benchmarks");
    text.AppendLine();
    text.AppendLine($"Generated by `dotnet cake --target=Benchmarks` (BenchmarkDotNet short job) on {DateTime.UtcNow:yyyy-MM-dd}. Each table starts with the machine it ran on.");
    foreach (var table in tables)
    {
        text.AppendLine();
        text.AppendLine($"## {table.GetFilenameWithoutExtension().ToString().Replace("-report-github", "")}");
        text.AppendLine();
        text.AppendLine(System.IO.File.ReadAllText(table.FullPath).Trim());
    }
    EnsureDirectoryExists("docs");
    System.IO.File.WriteAllText("docs/benchmarks.md.tmp", text.ToString());
    System.IO.File.Move("docs/benchmarks.md.tmp", "docs/benchmarks.md", true);
    Information($"{tables.Count} tables written to docs/benchmarks.md");
});

RunTarget(target);
