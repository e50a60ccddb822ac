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
    .Description("Regenerates src/TrtSharp/Interop/Generated (bindings, handle classes), the layout tests and native/src/generated (core-only stubs) from native/include/trtsharp/trtsharp.h.")
    .Does(() =>
{
    Run("dotnet", "run --project src/TrtSharp.BindGen -c Release -- --header native/include/trtsharp/trtsharp.h --out src/TrtSharp/Interop/Generated --tests-out tests/TrtSharp.Tests/Interop/Generated --native-out native/src/generated --cmake CMakeLists.txt");
});

Task("CheckBindings")
    .Description("Fails when the committed generated files (bindings, handles, layout tests, core-only stubs) differ from a fresh generation.")
    .Does(() =>
{
    Run("dotnet", "run --project src/TrtSharp.BindGen -c Release -- --header native/include/trtsharp/trtsharp.h --out src/TrtSharp/Interop/Generated --tests-out tests/TrtSharp.Tests/Interop/Generated --native-out native/src/generated --cmake CMakeLists.txt --check");
});

Task("Build")
    .Does(() =>
{
    DotNetBuild("TrtSharp.sln", new DotNetBuildSettings { Configuration = configuration });
});

Task("Models")
    .Description("Installs the default speech models and the real-models suite into the cache and checks their SHA-256.")
    .IsDependentOn("Build")
    .Does(() =>
{
    Run("dotnet", Cli("models fetch --suite"));
});

Task("Test")
    .Description("Native shim, binding check, build, default models, packages, then every test (the package smoke included) with a TRX log in artifacts/test-results.")
    .IsDependentOn("Native")
    .IsDependentOn("CheckBindings")
    .IsDependentOn("Build")
    .IsDependentOn("Models")
    .IsDependentOn("Pack")
    .Does(() =>
{
    DotNetTest("tests/TrtSharp.Tests/TrtSharp.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        ResultsDirectory = artifacts.Combine("test-results"),
        Loggers = new[] { "trx;LogFileName=TrtSharp.Tests.trx", "console;verbosity=normal" },
        // The shim tests must run in CI, never skip: TRTSHARP_REQUIRE_NATIVE turns a missing library into a failure.
        // TRTSHARP_PACKAGE_FEED: the package smoke tests (Packaging) run on what Pack just wrote.
        EnvironmentVariables = new Dictionary<string, string?>
        {
            ["TRTSHARP_NATIVE_PATH"] = nativeBuild.FullPath, ["TRTSHARP_REQUIRE_NATIVE"] = "1", ["TRTSHARP_PACKAGE_FEED"] = packages.FullPath,
        },
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

// Pack: every packable project into artifacts/packages, a local folder feed (docs/packages.md). The TrtSharp package
// carries build/native's shim (core-only here); --shim=full builds the shim against TensorRT_ROOT (or
// --tensorrt-root) into build/native-gpu and packs that one instead, and fails when TensorRT is not found.
var packages = artifacts.Combine("packages");
var shim = Argument("shim", "core");

Task("Pack")
    .Description("Packs TrtSharp (with the native shim; --shim=full: built against TensorRT_ROOT) and the trtsharp tool into artifacts/packages.")
    .IsDependentOn("Native")
    .IsDependentOn("Build")
    .Does(() =>
{
    var shimDir = nativeBuild;
    if (shim == "full")
    {
        shimDir = root.Combine("build/native-gpu");
        var trtRoot = Argument("tensorrt-root", EnvironmentVariable("TensorRT_ROOT") ?? "");
        StartProcess("cmake", new ProcessSettings
        {
            Arguments = $"-S . -B \"{shimDir}\" -DCMAKE_BUILD_TYPE=Release" + (trtRoot.Length > 0 ? $" -DTensorRT_ROOT=\"{trtRoot}\"" : ""),
            WorkingDirectory = root.FullPath,
            RedirectStandardOutput = true,
        }, out IEnumerable<string> configure);
        var lines = configure.ToList();
        lines.ForEach(l => Information("  " + l));
        if (!lines.Any(l => l.Contains("full build against TensorRT")))
        {
            throw new Exception("--shim=full: the shim could not be configured against TensorRT (set TensorRT_ROOT or --tensorrt-root; see docs/building-native.md)");
        }
        Run("cmake", $"--build \"{shimDir}\" --parallel");
    }
    else if (shim != "core")
    {
        throw new Exception($"--shim={shim}: use core (build/native, the default) or full (built against TensorRT)");
    }

    var watch = System.Diagnostics.Stopwatch.StartNew();
    CleanDirectory(packages);
    DotNetPack("TrtSharp.sln", new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = packages,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("TrtSharpNativeDir", shimDir.FullPath),
    });
    foreach (var file in GetFiles(packages.FullPath + "/*.*nupkg").OrderBy(f => f.FullPath))
    {
        Information($"  {file.GetFilename(),-40} {new System.IO.FileInfo(file.FullPath).Length / 1024.0 / 1024.0,8:0.00} MiB");
    }
    Information($"packed into {packages} in {watch.Elapsed.TotalSeconds:0} s (shim: {shim}, from {shimDir})");
});

// The packages used as a user would: tests/TrtSharp.Tests/Packaging installs the tool from the feed and runs it, and
// builds and runs the README's quick-start against the packages (the Test target runs the same tests).
Task("PackageSmoke")
    .Description("Packs, then installs and runs the tool and the README's quick-start from artifacts/packages (tests/TrtSharp.Tests/Packaging).")
    .IsDependentOn("Pack")
    .IsDependentOn("Models")
    .Does(() =>
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    DotNetTest("tests/TrtSharp.Tests/TrtSharp.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Filter = "FullyQualifiedName~TrtSharp.Tests.Packaging",
        Loggers = new[] { "console;verbosity=detailed" },
        EnvironmentVariables = new Dictionary<string, string?> { ["TRTSHARP_PACKAGE_FEED"] = packages.FullPath },
    });
    Information($"package smoke: {watch.Elapsed.TotalSeconds:0} s");
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

// ---------------------------------------------------------------------------------------------------------------
// GpuTest: the one-command check of the TensorRT path on a real GPU. Every [Category("Gpu")] test must pass: a skip
// means the GPU path was not exercised, so it counts as a failure here, and so does a machine without a GPU.
var gpuCheck = artifacts.Combine("gpu-check");
var gpuNative = root.Combine("build/native-gpu");
var gpuReport = new List<string>();
var gpuProblems = new List<string>();

(int Code, List<string> Output) RunCaptured(string tool, string arguments, IDictionary<string, string?>? environment = null)
{
    Information($"$ {tool} {arguments}");
    try
    {
        var code = StartProcess(tool, new ProcessSettings
        {
            Arguments = arguments,
            WorkingDirectory = root.FullPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            EnvironmentVariables = environment,
        }, out IEnumerable<string> stdout, out IEnumerable<string> stderr);
        var lines = stdout.Concat(stderr).ToList();
        foreach (var line in lines)
        {
            Information("  " + line);
        }
        return (code, lines);
    }
    catch (Exception e)
    {
        return (-1, new List<string> { $"{tool} could not be started: {e.Message}" });
    }
}

void WriteGpuReport(string verdict)
{
    EnsureDirectoryExists(artifacts);
    var text = new System.Text.StringBuilder();
    text.AppendLine("# GPU check");
    text.AppendLine();
    text.AppendLine($"Written by `dotnet cake --target=GpuTest` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. **{verdict}**");
    text.AppendLine();
    foreach (var problem in gpuProblems)
    {
        text.AppendLine($"- FAILED: {problem}");
    }
    if (gpuProblems.Count > 0)
    {
        text.AppendLine();
    }
    foreach (var line in gpuReport)
    {
        text.AppendLine(line);
    }
    var path = artifacts.CombineWithFilePath("gpu-check.md").FullPath;
    System.IO.File.WriteAllText(path + ".tmp", text.ToString());
    System.IO.File.Move(path + ".tmp", path, true);
    Information($"summary written to {path}");
}

Task("GpuTest")
    .Description("On a GPU machine with TensorRT (TensorRT_ROOT): full shim, every Gpu test, the demo's TensorRT step, artifacts/gpu-check.md. Fails without a GPU.")
    .Does(() =>
{
    // 1. A GPU, or stop here: skipped GPU tests must never look like a passed check.
    var smi = RunCaptured("nvidia-smi", "--query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader");
    if (smi.Code != 0 || smi.Output.Count == 0 || smi.Output.All(string.IsNullOrWhiteSpace))
    {
        gpuProblems.Add("no NVIDIA GPU found: nvidia-smi " + (smi.Code == -1 ? "is not installed" : $"exited {smi.Code}") +
            (smi.Output.Count > 0 ? $" ({smi.Output[0]})" : "") + ". Run this target on a machine with an NVIDIA GPU, its driver, and TensorRT (TensorRT_ROOT).");
        WriteGpuReport("FAILED: no GPU");
        throw new Exception("GpuTest: " + gpuProblems[0]);
    }
    gpuReport.Add("## Device");
    gpuReport.Add("");
    gpuReport.Add("| GPU | driver | memory | compute capability |");
    gpuReport.Add("|---|---|---|---|");
    foreach (var line in smi.Output.Where(l => !string.IsNullOrWhiteSpace(l)))
    {
        gpuReport.Add("| " + string.Join(" | ", line.Split(',').Select(f => f.Trim())) + " |");
    }
    var cudaLine = RunCaptured("nvidia-smi", "").Output.FirstOrDefault(l => l.Contains("CUDA Version"));
    if (cudaLine is not null)
    {
        gpuReport.Add("");
        gpuReport.Add($"Driver banner: `{cudaLine.Trim(' ', '|')}`");
    }

    // 2. The full shim against TensorRT_ROOT (a separate build folder: build/native stays what the Test target made).
    var trtRoot = Argument("tensorrt-root", EnvironmentVariable("TensorRT_ROOT") ?? "");
    var configure = RunCaptured("cmake", $"-S . -B \"{gpuNative}\" -DCMAKE_BUILD_TYPE=Release" + (trtRoot.Length > 0 ? $" -DTensorRT_ROOT=\"{trtRoot}\"" : ""));
    var fullLine = configure.Output.FirstOrDefault(l => l.Contains("full build against TensorRT"));
    if (configure.Code != 0 || fullLine is null)
    {
        gpuProblems.Add("the shim could not be built against TensorRT (set TensorRT_ROOT to a folder with include/NvInfer.h and lib/libnvinfer*; the CUDA toolkit must be findable): " +
            (configure.Output.LastOrDefault(l => l.Contains("trtsharp_native")) ?? $"cmake exited {configure.Code}"));
        WriteGpuReport("FAILED: no TensorRT");
        throw new Exception("GpuTest: " + gpuProblems[0]);
    }
    if (RunCaptured("cmake", $"--build \"{gpuNative}\" --parallel").Code != 0)
    {
        gpuProblems.Add("building the full shim failed (see the log above)");
        WriteGpuReport("FAILED: shim build");
        throw new Exception("GpuTest: " + gpuProblems[0]);
    }
    gpuReport.Add("");
    gpuReport.Add($"Shim: `{fullLine.Trim()}`");

    var env = new Dictionary<string, string?>
    {
        ["TRTSHARP_NATIVE_PATH"] = gpuNative.FullPath,
        ["TRTSHARP_REQUIRE_NATIVE"] = "1",
    };
    DotNetBuild("TrtSharp.sln", new DotNetBuildSettings { Configuration = configuration });
    Run("dotnet", Cli("models fetch"));

    // 3. Every GPU test; a skip is a failure here.
    CleanDirectory(gpuCheck);
    var trx = gpuCheck.CombineWithFilePath("gpu-tests.trx");
    var test = RunCaptured("dotnet", $"test tests/TrtSharp.Tests/TrtSharp.Tests.csproj -c {configuration} --no-build --filter TestCategory=Gpu " +
        $"--results-directory \"{gpuCheck}\" --logger \"trx;LogFileName={trx.GetFilename()}\"", env);
    gpuReport.Add("");
    gpuReport.Add("## GPU tests");
    gpuReport.Add("");
    if (!FileExists(trx))
    {
        gpuProblems.Add($"no test results were written (dotnet test exited {test.Code})");
    }
    else
    {
        var doc = System.Xml.Linq.XDocument.Load(trx.FullPath);
        System.Xml.Linq.XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var results = doc.Descendants(ns + "UnitTestResult").ToList();
        gpuReport.Add("| test | outcome | ms | note |");
        gpuReport.Add("|---|---|---|---|");
        foreach (var r in results.OrderBy(r => (string?)r.Attribute("testName")))
        {
            string name = (string?)r.Attribute("testName") ?? "?";
            string outcome = (string?)r.Attribute("outcome") ?? "?";
            double ms = TimeSpan.TryParse((string?)r.Attribute("duration"), out var d) ? d.TotalMilliseconds : 0;
            string note = (r.Descendants(ns + "Message").FirstOrDefault()?.Value ?? "").Split('\n')[0].Replace("|", "/").Trim();
            gpuReport.Add($"| {name} | {outcome} | {ms:0} | {note} |");
            if (outcome != "Passed")
            {
                gpuProblems.Add($"{name}: {outcome}{(note.Length > 0 ? " — " + note : "")}");
            }
            if (name.Contains("ReportsTheGpuEnvironment"))
            {
                var stdout = r.Descendants(ns + "StdOut").FirstOrDefault()?.Value;
                if (!string.IsNullOrWhiteSpace(stdout))
                {
                    gpuReport.Insert(0, "");
                    gpuReport.Insert(0, "Runtime: " + stdout.Trim().Replace("\n", "; "));
                }
            }
        }
        if (results.Count == 0)
        {
            gpuProblems.Add("the filter TestCategory=Gpu matched no test");
        }
    }

    // 4. The demo's TensorRT step: the demo writes the INT8 Q/DQ model, which is then built and timed against ONNX Runtime.
    var demoDir = gpuCheck.Combine("demo");
    var demo = RunCaptured("dotnet", Cli($"demo --output-dir \"{demoDir}\""), env);
    gpuReport.Add("");
    gpuReport.Add("## Demo TensorRT step");
    gpuReport.Add("");
    var demoLine = demo.Output.LastOrDefault(l => l.StartsWith("TensorRT:"));
    gpuReport.Add($"- demo exited {demo.Code}" + (demoLine is null ? "" : $"; `{demoLine}`"));
    if (demo.Code != 0)
    {
        gpuProblems.Add($"trtsharp demo exited {demo.Code}");
    }
    var fp32Model = System.IO.Path.Combine(EnvironmentVariable("HOME") ?? "", ".cache/trtsharp/models");
    var qdq = demoDir.CombineWithFilePath("embedding_model.int8.qdq.onnx");
    var embedding = GetFiles(fp32Model + "/**/embedding_model.onnx").FirstOrDefault();
    const string profile = "input_1:1x76x32x1/8x76x32x1/32x76x32x1";
    foreach (var (label, model) in new[] { ("FP32", embedding?.FullPath), ("INT8 Q/DQ", FileExists(qdq) ? qdq.FullPath : null) })
    {
        if (model is null)
        {
            gpuProblems.Add($"{label} embedding model not found (demo output or model cache)");
            continue;
        }
        var plan = gpuCheck.CombineWithFilePath($"embedding_{(label == "FP32" ? "fp32" : "int8")}.plan");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var build = RunCaptured("dotnet", Cli($"build \"{model}\" -o \"{plan}\" --shapes {profile}"), env);
        watch.Stop();
        gpuReport.Add($"- {label}: engine build {(build.Code == 0 ? $"{watch.Elapsed.TotalSeconds:0.0} s (CLI wall time)" : $"FAILED (exit {build.Code})")}");
        if (build.Code != 0)
        {
            gpuProblems.Add($"building the {label} engine failed: {build.Output.LastOrDefault()}");
            continue;
        }
        var bench = RunCaptured("dotnet", Cli($"bench \"{plan}\" --shapes input_1:1x76x32x1 --duration 3 --compare-with \"{embedding!.FullPath}\""), env);
        gpuReport.Add("");
        gpuReport.Add($"TensorRT {label} plan vs ONNX Runtime CPU FP32 (batch 1, interleaved, 3 s):");
        gpuReport.Add("");
        gpuReport.Add("```");
        gpuReport.AddRange(bench.Output.Where(l => !l.StartsWith("$")));
        gpuReport.Add("```");
        if (bench.Code != 0)
        {
            gpuProblems.Add($"benchmarking the {label} plan failed (exit {bench.Code})");
        }
    }

    WriteGpuReport(gpuProblems.Count == 0 ? "PASSED" : $"FAILED ({gpuProblems.Count} problem(s))");
    if (gpuProblems.Count > 0)
    {
        throw new Exception($"GpuTest failed: {string.Join("; ", gpuProblems)} (see artifacts/gpu-check.md)");
    }
});

Task("Fuzz")
    .Description("SharpFuzz harnesses under AFL++ (Debian package afl++), --fuzz-seconds each (default 60), --fuzz-harness to pick one; findings fail the target (docs/fuzzing.md).")
    .IsDependentOn("Build")
    .Does(() =>
{
    var seconds = Argument("fuzz-seconds", 60);
    var only = Argument("fuzz-harness", "");
    if (StartProcess("sh", new ProcessSettings { Arguments = "-c \"command -v afl-fuzz\"", RedirectStandardOutput = true }) != 0)
    {
        throw new Exception("afl-fuzz not found: install AFL++ (apt-get install afl++)");
    }
    var fuzz = artifacts.Combine("fuzz");
    CleanDirectory(fuzz);
    // The fuzzers run an instrumented copy; seeds and replays use the plain build (instrumented code needs the fork server).
    Run("dotnet", $"publish tests/TrtSharp.Fuzz -c {configuration} -o \"{fuzz}/bin\"");
    foreach (var assembly in new[] { "TrtSharp.dll", "Google.Protobuf.dll" })
    {
        Run("dotnet", $"sharpfuzz \"{fuzz}/bin/{assembly}\"");
    }
    var plain = $"tests/TrtSharp.Fuzz/bin/{configuration}/net10.0/TrtSharp.Fuzz.dll";
    Run("dotnet", $"{plain} seeds \"{fuzz}/seeds\"");
    var harnesses = only.Length > 0 ? new[] { only } : System.IO.Directory.GetDirectories(fuzz.Combine("seeds").FullPath).Select(System.IO.Path.GetFileName).OrderBy(n => n).ToArray();
    var summary = new List<string>();
    var failures = 0;
    foreach (var harness in harnesses)
    {
        var output = fuzz.Combine("findings").Combine(harness);
        EnsureDirectoryExists(output);
        Information($"$ afl-fuzz {harness} for {seconds} s");
        StartProcess("afl-fuzz", new ProcessSettings
        {
            Arguments = $"-V {seconds} -i \"{fuzz}/seeds/{harness}\" -o \"{output}\" -t 5000 -m none -- dotnet \"{fuzz}/bin/TrtSharp.Fuzz.dll\" fuzz {harness}",
            RedirectStandardOutput = true,
            EnvironmentVariables = new Dictionary<string, string>
            {
                // The target is 'dotnet', not a binary built with afl-cc: SharpFuzz speaks the fork server protocol itself.
                ["AFL_SKIP_BIN_CHECK"] = "1", ["AFL_NO_UI"] = "1", ["AFL_SKIP_CPUFREQ"] = "1",
                ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1", ["AFL_NO_AFFINITY"] = "1",
            },
        });
        var stats = System.IO.File.ReadAllLines(output.Combine("default").CombineWithFilePath("fuzzer_stats").FullPath)
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var found = new[] { "crashes", "hangs" }
            .SelectMany(kind => GetFiles($"{output}/default/{kind}/id:*").Select(f => (Kind: kind, File: f))).ToList();
        foreach (var (kind, file) in found)
        {
            var copy = fuzz.Combine("crashes").Combine(harness).CombineWithFilePath($"{kind}-{file.GetFilename()}".Replace(':', '_').Replace(',', '_'));
            EnsureDirectoryExists(copy.GetDirectory());
            CopyFile(file, copy);
        }
        if (found.Count > 0)
        {
            failures += found.Count;
            // The plain build prints each finding's exception and stack.
            StartProcess("dotnet", $"{plain} replay {harness} \"{fuzz}/crashes/{harness}\"");
        }
        summary.Add($"{harness,-9} {stats["execs_done"],12} execs  {stats["execs_per_sec"],9}/s  corpus {stats["corpus_count"],5}  crashes {stats["saved_crashes"]}  hangs {stats["saved_hangs"]}");
    }
    Information("harness          executions          rate  corpus  findings");
    foreach (var line in summary)
    {
        Information(line);
    }
    if (failures > 0)
    {
        throw new Exception($"{failures} findings copied to {fuzz}/crashes: add each as a regression case (docs/fuzzing.md)");
    }
});

Task("OrtGpuCheck")
    .Description("Builds a temporary app on Microsoft.ML.OnnxRuntime.Gpu.Linux + TrtSharp and checks that CUDA/TensorRT provider fallbacks name the missing CUDA library and the package to install (docs/troubleshooting.md).")
    .Does(() =>
{
    var props = System.IO.File.ReadAllText(root.CombineWithFilePath("Directory.Packages.props").FullPath);
    string Version(string package) => System.Text.RegularExpressions.Regex.Match(props, $"Include=\"{System.Text.RegularExpressions.Regex.Escape(package)}\" Version=\"([^\"]+)\"").Groups[1].Value;
    // A one-Relu model from the ONNX backend test data (Debian's libonnx-testdata, which .ci/run installs).
    const string ReluModel = "/usr/share/libonnx-testdata/data/node/test_relu/model.onnx";
    if (!System.IO.File.Exists(ReluModel))
    {
        throw new Exception($"OrtGpuCheck needs {ReluModel}: apt-get install libonnx-testdata");
    }
    var app = System.IO.Directory.CreateTempSubdirectory("trtsharp-ortgpucheck-").FullName;
    try
    {
        // Outside the repository, so the repository's central package management does not apply to the app itself.
        System.IO.File.Copy(root.CombineWithFilePath("tests/OrtGpuCheck/Program.cs").FullPath, System.IO.Path.Combine(app, "Program.cs"));
        System.IO.File.WriteAllText(System.IO.Path.Combine(app, "OrtGpuCheck.csproj"), $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include=""{root.CombineWithFilePath("src/TrtSharp/TrtSharp.csproj").FullPath}"" />
    <PackageReference Include=""Microsoft.ML.OnnxRuntime.Gpu.Linux"" Version=""{Version("Microsoft.ML.OnnxRuntime.Gpu.Linux")}"" />
    <!-- TrtSharp brings the CPU package; its libonnxruntime.so must not replace the GPU package's. -->
    <PackageReference Include=""Microsoft.ML.OnnxRuntime"" Version=""{Version("Microsoft.ML.OnnxRuntime")}"" ExcludeAssets=""all"" />
  </ItemGroup>
</Project>
");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Run("dotnet", $"build \"{app}\" -c {configuration} -p:TreatWarningsAsErrors=false");
        var code = StartProcess("dotnet", new ProcessSettings
        {
            Arguments = $"run --project \"{app}\" -c {configuration} --no-build -- \"{ReluModel}\"",
            WorkingDirectory = app,
            EnvironmentVariables = new Dictionary<string, string> { ["TRTSHARP_NATIVE_PATH"] = nativeBuild.FullPath },
        });
        Information($"OrtGpuCheck took {watch.Elapsed.TotalSeconds:0} s");
        if (code != 0)
        {
            throw new Exception("OrtGpuCheck failed: a provider fallback does not name the missing library and its package");
        }
    }
    finally
    {
        System.IO.Directory.Delete(app, recursive: true);
    }
});

Task("PublicApi")
    .Description("Regenerates PublicAPI.Unshipped.txt of every packable library from its public surface, then builds to prove the baseline matches.")
    .Does(() =>
{
    // Which projects declare an API: Directory.Build.targets sets TrtSharpPublicApi for packable libraries.
    var projects = GetFiles("src/*/*.csproj").Where(p =>
    {
        StartProcess("dotnet", new ProcessSettings { Arguments = $"msbuild \"{p}\" -getProperty:TrtSharpPublicApi", RedirectStandardOutput = true }, out var lines);
        return lines.Any(l => l.Trim() == "true");
    }).ToList();
    if (projects.Count == 0)
    {
        throw new Exception("no project sets TrtSharpPublicApi (see Directory.Build.targets)");
    }
    const string Header = "#nullable enable";
    foreach (var project in projects)
    {
        // Shipped is what a release froze: kept as it is (created empty for a new project). Unshipped is rebuilt from scratch,
        // so symbols that are gone disappear and nothing stale survives.
        var dir = project.GetDirectory();
        var shipped = dir.CombineWithFilePath("PublicAPI.Shipped.txt").FullPath;
        if (!System.IO.File.Exists(shipped))
        {
            System.IO.File.WriteAllText(shipped, Header + "\n");
        }
        System.IO.File.WriteAllText(dir.CombineWithFilePath("PublicAPI.Unshipped.txt").FullPath, Header + "\n");
    }
    Run("dotnet", "restore TrtSharp.sln");
    foreach (var project in projects)
    {
        // RS0016's fix adds every undeclared public symbol, RS0017's marks shipped ones that are gone. One project per call:
        // given the solution, dotnet format applies the fixes of only one project's baseline.
        Run("dotnet", $"format analyzers \"{project.FullPath}\" --diagnostics RS0016 RS0017 --severity info --no-restore");
        // One symbol per line, ordinal order: the file diffs and merges line by line.
        var unshipped = project.GetDirectory().CombineWithFilePath("PublicAPI.Unshipped.txt").FullPath;
        var lines = System.IO.File.ReadAllLines(unshipped).Where(l => l.Length > 0 && l != Header).Distinct().OrderBy(l => l, StringComparer.Ordinal);
        System.IO.File.WriteAllText(unshipped, string.Join("\n", new[] { Header }.Concat(lines)) + "\n");
        Information($"{unshipped}: {lines.Count()} symbols");
    }
    foreach (var project in projects)
    {
        // Warnings are errors: a symbol the fixer missed fails here (RS0016/RS0017), not in someone else's build.
        DotNetBuild(project.FullPath, new DotNetBuildSettings { Configuration = configuration, NoRestore = true });
    }
});

Task("CliDocs")
    .Description("Regenerates docs/cli.md from every command's --help (the test CliReferenceDocTests checks it is current).")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest("tests/TrtSharp.Tests/TrtSharp.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Filter = "FullyQualifiedName~TrtSharp.Tests.Docs.CliReferenceDocTests.CliReferenceMatchesTheHelpOfEveryCommand",
        EnvironmentVariables = new Dictionary<string, string?> { ["TRTSHARP_UPDATE_CLI_DOCS"] = "1" },
    });
});

RunTarget(target);
