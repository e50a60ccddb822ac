using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TrtSharp.Comparison;
using TrtSharp.Tensors;
using TrtSharp.Tools.Models;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Numpy;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tests.Docs;

namespace TrtSharp.Tests.Packaging;

/// <summary>
/// The packed packages used as a user would use them, from the local feed the Pack target writes: the tool installed
/// and run, and the README's quick-start built as a fresh console app against the TrtSharp package alone (plus ONNX
/// Runtime's CPU build) and run, and docs/examples/calibrate.cs run with <c>dotnet run</c> on TrtSharp.Quantization. Runs when <see cref="LocalFeed.Variable"/> is set, which the Test target does.
/// </summary>
[TestFixture]
[NonParallelizable]
public partial class PackageSmokeTests
{
    private LocalFeed _feed = null!;
    private string _model = null!;

    [OneTimeSetUp]
    public void OpenFeed()
    {
        _feed = LocalFeed.Open();
        _model = DefaultModels.EnsureInstalled().Embedding;
    }

    [OneTimeTearDown]
    public void CloseFeed() => _feed?.Dispose();

    [Test]
    public void TheCorePackageCarriesTheShimDocsAndMetadata()
    {
        using var package = ZipFile.OpenRead(_feed.PackageFile("TrtSharp"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Is.SupersetOf(new[]
        {
            "lib/net10.0/TrtSharp.dll", "lib/net10.0/TrtSharp.xml", "README.md", "runtimes/linux-x64/native/libtrtsharp_native.so",
        }));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Multiple(() =>
        {
            Assert.That(metadata.Element(ns + "license")?.Value, Is.EqualTo("MIT"));
            Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("README.md"));
            Assert.That(metadata.Element(ns + "repository")?.Attribute("url")?.Value, Does.StartWith("https://"));
            var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToList();
            // The application chooses ONNX Runtime's native build; the library needs only the managed API.
            Assert.That(dependencies, Does.Contain("Microsoft.ML.OnnxRuntime.Managed").And.Not.Contain("Microsoft.ML.OnnxRuntime"));
            Assert.That(File.Exists(Path.ChangeExtension(_feed.PackageFile("TrtSharp"), ".snupkg")), "symbols package");
        });
    }

    [Test]
    public void TheToolPackageKeepsFourPlatformsOfNativeCode()
    {
        using var package = ZipFile.OpenRead(_feed.PackageFile("TrtSharp.Cli"));
        var rids = package.Entries.Select(e => Regex.Match(e.FullName, "/runtimes/([^/]+)/")).Where(m => m.Success)
            .Select(m => m.Groups[1].Value).Distinct().OrderBy(r => r, StringComparer.Ordinal).ToList();
        Assert.That(rids, Is.EqualTo(new[] { "linux-arm64", "linux-x64", "osx-arm64", "win-x64" }));
        Assert.That(package.Entries.Any(e => e.FullName.EndsWith("/runtimes/linux-x64/native/libonnxruntime.so", StringComparison.Ordinal)), "ONNX Runtime's CPU build");
        Assert.That(package.Entries.Any(e => e.FullName.EndsWith("/runtimes/linux-x64/native/libtrtsharp_native.so", StringComparison.Ordinal)), "the native shim");
        Assert.That(package.Entries.Any(e => e.FullName.Contains("/runtimes/", StringComparison.Ordinal) && (e.FullName.EndsWith(".pdb", StringComparison.Ordinal) || e.FullName.EndsWith(".lib", StringComparison.Ordinal))),
            Is.False, "native PDBs or import libraries");
    }

    [Test]
    public void TheToolInstallsFromTheFeedAndInspectsAModel()
    {
        string toolPath = Path.Combine(_feed.Scratch, "tools");
        var install = _feed.Run("dotnet", ["tool", "install", "TrtSharp.Cli", "--tool-path", toolPath, "--version", _feed.Version, "--add-source", _feed.Feed]);
        Assert.That(install.ExitCode, Is.Zero, install.Output);

        string trtsharp = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "trtsharp.exe" : "trtsharp");
        var version = _feed.Run(trtsharp, ["--version"]);
        Assert.That(version.ExitCode, Is.Zero, version.Output);
        Assert.That(version.Stdout.Trim(), Does.StartWith(_feed.Version));

        var inspect = _feed.Run(trtsharp, ["inspect", _model]);
        TestContext.Out.WriteLine(inspect.Stdout);
        Assert.That(inspect.ExitCode, Is.Zero, inspect.Output);
        using var session = OnnxRuntimeSession.FromFile(_model);
        foreach (var input in session.Inputs)
        {
            Assert.That(inspect.Stdout, Does.Contain(input.Name));
        }

        // The tool finds the shim it carries: without TensorRT, build names the core-only shim rather than a missing one.
        var build = _feed.Run(trtsharp, ["build", _model, "-o", Path.Combine(_feed.Scratch, "embedding.plan")]);
        TestContext.Out.WriteLine(build.Stderr);
        Assert.That(build.Stderr, Does.Not.Contain("could not be loaded"));
        if (build.ExitCode != 0)
        {
            Assert.That(build.ExitCode, Is.EqualTo(2), build.Output);
            Assert.That(build.Stderr, Does.Contain("core-only").Or.Contain("CUDA"));
        }
    }

    [Test]
    public void TheReadmeQuickStartRunsAgainstThePackages()
    {
        string app = Directory.CreateDirectory(Path.Combine(_feed.Scratch, "quickstart")).FullName;
        string code = ReadmeSmokeBlock();
        Assert.That(code, Does.Contain("\"MODEL_PATH\""), "the README block names its model MODEL_PATH");
        File.WriteAllText(Path.Combine(app, "Program.cs"), code.Replace("MODEL_PATH", _model, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(app, "quickstart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TrtSharp" Version="{_feed.Version}" />
                <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="{ReadmeOnnxRuntimeVersion()}" />
              </ItemGroup>
            </Project>
            """);

        var build = _feed.Run("dotnet", ["build", "-c", "Release", "-o", Path.Combine(app, "out")], app);
        Assert.That(build.ExitCode, Is.Zero, build.Output);
        Assert.That(Directory.Exists(Path.Combine(_feed.Packages, "trtsharp", _feed.Version)), "TrtSharp was restored from the feed, not a cache");
        // A RID-less build keeps the package layout; the resolver must find the shim there.
        Assert.That(File.Exists(Path.Combine(app, "out", "runtimes", "linux-x64", "native", "libtrtsharp_native.so")), "shim copied from the package");

        var run = _feed.Run("dotnet", [Path.Combine(app, "out", "quickstart.dll")], app);
        TestContext.Out.WriteLine(run.Stdout);
        Assert.That(run.ExitCode, Is.Zero, run.Output);

        // The same steps in this process give the expected lines.
        var expected = new List<string> { $"{OnnxModel.Load(_model).Graph.Nodes.Count} nodes, inputs: " };
        using (var session = OnnxRuntimeSession.FromFile(_model))
        {
            var random = new Random(42);
            var inputs = session.Inputs.ToDictionary(i => i.Name, i => RandomTensors.Create(i.ElementType, RandomTensors.ResolveShape(i, null), random));
            expected.AddRange(session.Run(inputs).Select(o => $"{o.Key}: {o.Value}"));
        }
        string[] lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Has.Length.EqualTo(expected.Count + 1));
        Assert.That(lines[0], Does.StartWith(expected[0]));
        Assert.That(lines.Skip(1).Take(expected.Count - 1), Is.EqualTo(expected.Skip(1)));
        Assert.That(lines[^1], Does.Match("^shim: (core-only|full) "));
    }

    [Test]
    public void TheQuantizationPackageDependsOnTheSameCore()
    {
        using var package = ZipFile.OpenRead(_feed.PackageFile("TrtSharp.Quantization"));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var core = nuspec.Descendants().Single(d => d.Name.LocalName == "dependency" && (string?)d.Attribute("id") == "TrtSharp");
        // Exactly this version ("[v]"), not "v or newer": the package compiles against the core's internals.
        Assert.That((string?)core.Attribute("version"), Is.EqualTo($"[{_feed.Version}]"));
        Assert.That(package.Entries.Select(e => e.FullName), Does.Contain("lib/net10.0/TrtSharp.Quantization.xml"));
    }

    [Test]
    public void TheFileBasedCalibrateExampleQuantizesWithThePackages()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_feed.Scratch, "calibrate")).FullName;
        string example = File.ReadAllText(RepositoryFiles.PathOf("docs/examples/calibrate.cs"));
        Assert.That(example, Does.Contain($"#:package TrtSharp.Quantization@{_feed.Version}\n"), "calibrate.cs names the packed version");
        Assert.That(example, Does.Contain($"#:package Microsoft.ML.OnnxRuntime@{PinnedOnnxRuntimeVersion()}\n"), "calibrate.cs names the pinned ONNX Runtime");
        File.WriteAllText(Path.Combine(folder, "calibrate.cs"), example);

        // Twelve seeded samples shaped like the model's input (one window each).
        string data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
        var random = new Random(7);
        TensorDescriptor input;
        using (var session = OnnxRuntimeSession.FromFile(_model))
        {
            input = session.Inputs.Single();
        }
        long[] shape = RandomTensors.ResolveShape(input, null);
        for (int i = 0; i < 12; i++)
        {
            NpyFile.Write(Path.Combine(data, $"s{i:00}.npy"), RandomTensors.Create(input.ElementType, shape, random));
        }

        string output = Path.Combine(folder, "model.int8.qdq.onnx");
        var run = _feed.Run("dotnet", ["run", "calibrate.cs", "--", _model, data, output], folder, timeoutSeconds: 400);
        TestContext.Out.WriteLine(run.Stdout);
        Assert.That(run.ExitCode, Is.Zero, run.Output);
        Assert.That(Directory.Exists(Path.Combine(_feed.Packages, "trtsharp.quantization", _feed.Version)), "TrtSharp.Quantization was restored from the feed");
        Assert.That(run.Stdout, Does.Contain("calibrating embedding_model.onnx on 12 samples"));

        // The Q/DQ model: quantize nodes as many as the program reports, and close to float32 on a calibration sample.
        var quantized = OnnxModel.Load(output);
        int quantizeNodes = quantized.Graph.Nodes.Count(n => n.OpType == "QuantizeLinear");
        Assert.That(quantizeNodes, Is.GreaterThan(0));
        Assert.That(run.Stdout, Does.Match(@"quantized tensors: \d+"));
        Assert.That(File.ReadAllText(Path.ChangeExtension(output, ".calib.cache")), Does.StartWith("TRT-"));
        var sample = new Dictionary<string, HostTensor> { [input.Name] = NpyFile.Read(Path.Combine(data, "s00.npy")) };
        using var fp32 = OnnxRuntimeSession.FromFile(_model);
        using var int8 = OnnxRuntimeSession.FromFile(output);
        double[] expected = ((HostTensor<float>)fp32.Run(sample).Values.Single()).Data.Select(v => (double)v).ToArray();
        double[] actual = ((HostTensor<float>)int8.Run(sample).Values.Single()).Data.Select(v => (double)v).ToArray();
        double cosine = Similarity.Cosine(expected, actual);
        TestContext.Out.WriteLine($"cosine INT8 Q/DQ vs float32 on a calibration sample: {cosine:0.0000}");
        Assert.That(cosine, Is.GreaterThan(0.9));
    }

    /// <summary>The csharp block after <c>&lt;!-- smoke --&gt;</c> in README.md, verbatim.</summary>
    internal static string ReadmeSmokeBlock()
    {
        string[] lines = File.ReadAllLines(RepositoryFiles.PathOf("README.md"));
        int marker = Array.IndexOf(lines, "<!-- smoke -->");
        Assert.That(marker, Is.GreaterThanOrEqualTo(0), "README.md has no <!-- smoke --> block");
        Assert.That(lines[marker + 1], Is.EqualTo("```csharp"));
        int end = Array.IndexOf(lines, "```", marker + 2);
        return string.Join('\n', lines[(marker + 2)..end]) + "\n";
    }

    /// <summary>The ONNX Runtime version the README tells users to add, which must be the one the project pins.</summary>
    private static string ReadmeOnnxRuntimeVersion()
    {
        var readme = OrtVersion().Match(File.ReadAllText(RepositoryFiles.PathOf("README.md")));
        Assert.That(readme.Success, "README.md names no 'dotnet add package Microsoft.ML.OnnxRuntime --version'");
        string pinned = PinnedOnnxRuntimeVersion();
        Assert.That(readme.Groups[1].Value, Is.EqualTo(pinned), "README's ONNX Runtime version vs Directory.Packages.props");
        return pinned;
    }

    private static string PinnedOnnxRuntimeVersion() =>
        XDocument.Load(RepositoryFiles.PathOf("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Microsoft.ML.OnnxRuntime").Attribute("Version")!.Value;

    [GeneratedRegex(@"dotnet add package Microsoft\.ML\.OnnxRuntime --version (\S+)")]
    private static partial Regex OrtVersion();
}
