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
        EnvironmentVariables = new Dictionary<string, string?> { ["TRTSHARP_NATIVE_PATH"] = nativeBuild.FullPath },
    });
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
    .Description("A short BenchmarkDotNet job; tables go to docs/benchmarks.md.")
    .Does(() =>
{
    Run("dotnet", "run -c Release --project tests/TrtSharp.Benchmarks -- --filter * --job short --exporters github --artifacts artifacts/benchmarks");
});

RunTarget(target);
