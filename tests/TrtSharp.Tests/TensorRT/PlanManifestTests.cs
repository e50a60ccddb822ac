using TrtSharp.Errors;
using TrtSharp.TensorRT;

namespace TrtSharp.Tests.TensorRT;

[TestFixture]
public class PlanManifestTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trtsharp-manifest").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static PlanManifest Sample(string planSha) => new()
    {
        TensorRtVersion = "10.16.1",
        GpuName = "NVIDIA H100",
        ComputeCapability = "9.0",
        ModelSha256 = new string('a', 64),
        PlanSha256 = planSha,
        Options = new Dictionary<string, string> { ["workspace"] = "1GiB" },
    };

    [Test]
    public void RoundTripsAndMatchesTheSameEnvironment()
    {
        string plan = Path.Combine(_dir, "m.plan");
        File.WriteAllBytes(plan, [1, 2, 3]);
        string sha = PlanManifest.Sha256OfFile(plan);
        Sample(sha).Save(plan);
        var loaded = PlanManifest.Load(plan);
        Assert.That(loaded.Options["workspace"], Is.EqualTo("1GiB"));
        Assert.That(loaded.Mismatches(sha, "10.16.1", "9.0"), Is.Empty);
        // SHA-256 of bytes 01 02 03, computed with sha256sum.
        Assert.That(sha, Is.EqualTo("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81"));
    }

    [Test]
    public void EachMismatchIsExplained()
    {
        var m = Sample("00");
        var reasons = m.Mismatches("11", "11.1.0", "8.9", modelSha256: new string('b', 64));
        Assert.That(reasons, Has.Count.EqualTo(4));
        Assert.That(reasons[1], Does.Contain("built with TensorRT 10.16.1, this runtime is 11.1.0"));
        Assert.That(reasons[2], Does.Contain("compute capability 9.0"));
    }

    [Test]
    public void CompatibilityFlagsRelaxTheChecks()
    {
        var m = Sample("00") with { VersionCompatible = true, HardwareCompatibility = "ampere+" };
        Assert.That(m.Mismatches("00", "10.17.0", "8.6"), Is.Empty);
        Assert.That(m.Mismatches("00", "10.17.0", "7.5"), Has.Count.EqualTo(1));
    }

    [Test]
    public void MissingOrCorruptManifestsAreRefusedWithThePath()
    {
        string plan = Path.Combine(_dir, "x.plan");
        var missing = Assert.Throws<ModelFormatException>(() => PlanManifest.Load(plan));
        Assert.That(missing!.FilePath, Is.EqualTo(plan + ".json"));
        File.WriteAllText(plan + ".json", "{ not json");
        var corrupt = Assert.Throws<ModelFormatException>(() => PlanManifest.Load(plan));
        Assert.That(corrupt!.Message, Does.Contain("not valid JSON"));
    }
}
