using System.Reflection;
using System.Xml.Linq;
using TrtSharp.Tests.Docs;

namespace TrtSharp.Tests.Conventions;

/// <summary>
/// The packages stay layered: core carries no UI, plotting or tool code, and quantization none of the tool's; so an
/// application that only builds and runs engines does not pull ScottPlot, Skia or the CLI's console libraries.
/// </summary>
[TestFixture]
public class LibraryDependencyTests
{
    private static readonly string[] ToolOnly = ["ScottPlot", "SkiaSharp", "HarfBuzzSharp", "Spectre.Console", "System.CommandLine", "TrtSharp.Tools", "TrtSharp.Cli"];

    [Test]
    public void CoreReferencesNeitherToolNorQuantizationAssemblies()
    {
        Assert.That(Offending(Libraries.Core, [.. ToolOnly, "TrtSharp.Quantization"]), Is.Empty);
    }

    [Test]
    public void QuantizationReferencesNoToolAssemblies()
    {
        Assert.That(Offending(Libraries.Quantization, ToolOnly), Is.Empty);
    }

    [Test]
    public void QuantizationAndToolsBuildOnCore()
    {
        // Also shows the reference lists above are read, not empty by accident.
        Assert.That(References(Libraries.Quantization), Does.Contain("TrtSharp"));
        Assert.That(References(Libraries.Tools), Does.Contain("TrtSharp"));
        Assert.That(References(Libraries.Tools), Does.Contain("ScottPlot"));
    }

    [Test]
    public void CorePackageDependsOnlyOnTheManagedRuntimeAndBasics()
    {
        // Assembly references show only what the IL uses; the project file is what the package will declare.
        string[] allowed = ["Google.Protobuf", "Microsoft.ML.OnnxRuntime.Managed", "System.Numerics.Tensors", "Microsoft.Extensions.Logging.Abstractions"];
        Assert.That(ShippedPackages("src/TrtSharp/TrtSharp.csproj"), Is.SubsetOf(allowed));
    }

    [Test]
    public void QuantizationPackageAddsNoPackages()
    {
        Assert.That(ShippedPackages("src/TrtSharp.Quantization/TrtSharp.Quantization.csproj"), Is.Empty);
    }

    private static List<string> References(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

    private static List<string> Offending(Assembly assembly, IEnumerable<string> forbidden) =>
        References(assembly).Where(name => forbidden.Any(f => name == f || name.StartsWith(f + ".", StringComparison.Ordinal))).ToList();

    /// <summary>Package references that flow to consumers (build-only ones are marked PrivateAssets="all").</summary>
    private static List<string> ShippedPackages(string project) =>
        XDocument.Load(RepositoryFiles.PathOf(project)).Descendants("PackageReference")
            .Where(r => !string.Equals((string?)r.Attribute("PrivateAssets"), "all", StringComparison.OrdinalIgnoreCase))
            .Select(r => (string?)r.Attribute("Include") ?? string.Empty)
            .ToList();
}
