using System.Collections.Concurrent;
using System.Text;
using TrtSharp.TensorRT;
using TrtSharp.Tests.Interop;

namespace TrtSharp.Tests.TensorRT;

/// <summary>Keys, storage, concurrency and eviction of the engine cache; the build step writes plan-sized bytes and a manifest as <see cref="Engine.Save"/> does.</summary>
public sealed class EngineCacheTests
{
    private string _folder = "";

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "trtsharp-engine-cache-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private static readonly Dictionary<string, string> Options = new() { ["fp16"] = "false", ["profiles"] = "x:1x4/8x4/32x4" };

    private static EngineCacheKey Key(string model = "ab", string trt = "10.16.1", string cc = "9.0", Dictionary<string, string>? options = null) =>
        new(model, options ?? Options, trt, cc);

    /// <summary>Writes <paramref name="content"/> as the plan and a manifest describing it, like <see cref="Engine.Save"/>.</summary>
    private static void WritePlan(string path, string content, int delayMs = 0)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        using (var stream = File.Create(path))
        {
            // Written in two halves with a pause: a reader that saw the file early would see half a plan.
            stream.Write(bytes, 0, bytes.Length / 2);
            Thread.Sleep(delayMs);
            stream.Write(bytes, bytes.Length / 2, bytes.Length - bytes.Length / 2);
        }
        new PlanManifest { TensorRtVersion = "10.16.1", GpuName = "test", ComputeCapability = "9.0", ModelSha256 = "ab", PlanSha256 = PlanManifest.Sha256(bytes) }.Save(path);
    }

    [Test]
    public void EveryPartOfTheKeyChangesItAndOptionOrderDoesNot()
    {
        string baseline = Key().Hash;
        var reordered = new Dictionary<string, string> { ["profiles"] = "x:1x4/8x4/32x4", ["fp16"] = "false" };
        Assert.Multiple(() =>
        {
            Assert.That(Key(options: reordered).Hash, Is.EqualTo(baseline));
            Assert.That(Key(model: "AB").Hash, Is.EqualTo(baseline), "hex case does not matter");
            Assert.That(Key(model: "cd").Hash, Is.Not.EqualTo(baseline));
            Assert.That(Key(trt: "10.16.2").Hash, Is.Not.EqualTo(baseline));
            Assert.That(Key(cc: "8.9").Hash, Is.Not.EqualTo(baseline));
            Assert.That(Key(options: new() { ["fp16"] = "true", ["profiles"] = "x:1x4/8x4/32x4" }).Hash, Is.Not.EqualTo(baseline));
            // Length prefixes: moving text between a name and a value is another key.
            Assert.That(Key(options: new() { ["a"] = "b=c" }).Hash, Is.Not.EqualTo(Key(options: new() { ["a=b"] = "c" }).Hash));
            Assert.That(baseline, Has.Length.EqualTo(64));
        });
    }

    [Test]
    public void BuilderOptionsKeyCoversTheCalibrationCacheAndRefusesDatasets()
    {
        string cache = Path.Combine(_folder, "calib.cache");
        File.WriteAllText(cache, "TRT-100600-EntropyCalibration2\nx: 3c000000\n");
        var withCache = new BuilderOptions { Int8 = true, Calibrator = new CalibrationCacheSource(cache) };
        string first = EngineCacheKey.For("ab", withCache, "10.16.1", "9.0").Hash;
        File.WriteAllText(cache, "TRT-100600-EntropyCalibration2\nx: 3d000000\n");
        Assert.That(EngineCacheKey.For("ab", withCache, "10.16.1", "9.0").Hash, Is.Not.EqualTo(first), "other calibration data, other engine");
        Assert.That(EngineCacheKey.For("ab", new BuilderOptions { Int8 = true }, "10.16.1", "9.0").Hash, Is.Not.EqualTo(first));

        var missing = new BuilderOptions { Int8 = true, Calibrator = new CalibrationCacheSource(Path.Combine(_folder, "none.cache")) };
        Assert.That(() => EngineCacheKey.For("ab", missing, "10.16.1", "9.0"), Throws.ArgumentException.With.Message.Contains("calibration cache first"));
    }

    [Test]
    public void AMissBuildsAndStoresAHitOnlyLoads()
    {
        var cache = new EngineCache(_folder);
        int builds = 0;
        string plan = cache.GetOrAdd(Key(), path => { builds++; WritePlan(path, "plan-1"); }, out bool hit);
        Assert.That(hit, Is.False);
        string again = cache.GetOrAdd(Key(), path => { builds++; WritePlan(path, "plan-2"); }, out hit);
        Assert.Multiple(() =>
        {
            Assert.That(hit, Is.True);
            Assert.That(builds, Is.EqualTo(1));
            Assert.That(again, Is.EqualTo(plan));
            Assert.That(File.ReadAllText(plan), Is.EqualTo("plan-1"));
            Assert.That(Directory.GetDirectories(_folder), Is.Empty, "no staging folder left");
        });
    }

    [Test]
    public void ADamagedEntryIsRebuilt()
    {
        var cache = new EngineCache(_folder);
        string plan = cache.GetOrAdd(Key(), path => WritePlan(path, "plan-1"), out _);
        File.WriteAllText(plan, "plan-X");   // bytes no longer match the manifest
        cache.GetOrAdd(Key(), path => WritePlan(path, "plan-2"), out bool hit);
        Assert.That(hit, Is.False);
        Assert.That(File.ReadAllText(plan), Is.EqualTo("plan-2"));

        File.WriteAllText(PlanManifest.PathFor(plan), "{ not json");
        cache.GetOrAdd(Key(), path => WritePlan(path, "plan-3"), out hit);
        Assert.That(hit, Is.False);
        Assert.That(File.ReadAllText(plan), Is.EqualTo("plan-3"));
    }

    [Test]
    public void AFailedBuildStoresNothing()
    {
        var cache = new EngineCache(_folder);
        Assert.Throws<InvalidDataException>(() => cache.GetOrAdd(Key(), path => { File.WriteAllText(path, "half"); throw new InvalidDataException("builder failed"); }, out _));
        Assert.That(Directory.GetFiles(_folder, "*.plan*"), Is.Empty);
        Assert.That(Directory.GetDirectories(_folder), Is.Empty);
        Assert.That(() => cache.GetOrAdd(Key(), path => File.WriteAllText(path, "no manifest"), out _), Throws.InvalidOperationException.With.Message.Contains("no plan and manifest"));
    }

    [Test]
    public void ConcurrentBuildersOfOneKeyBuildOnceAndNeverSeeAPartialEntry()
    {
        var cache = new EngineCache(_folder);
        int builds = 0;
        var seen = new ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            string plan = cache.GetOrAdd(Key(), path =>
            {
                Interlocked.Increment(ref builds);
                WritePlan(path, new string((char)('a' + i), 4096), delayMs: 200);
            }, out _);
            seen.Add(File.ReadAllText(plan));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Multiple(() =>
        {
            Assert.That(builds, Is.EqualTo(1));
            Assert.That(seen.Distinct().ToList(), Has.Count.EqualTo(1));
            Assert.That(seen.First(), Has.Length.EqualTo(4096));
        });
    }

    [Test]
    public void LeastRecentlyUsedEntriesAreEvictedBeyondTheLimit()
    {
        var probe = new EngineCache(Path.Combine(_folder, "probe"));
        probe.GetOrAdd(Key(model: "00"), path => WritePlan(path, new string('x', 1000)), out _);
        long entryBytes = probe.Entries().Single().Bytes;

        var cache = new EngineCache(Path.Combine(_folder, "c"), maxBytes: entryBytes * 2 + entryBytes / 2);
        string a = cache.GetOrAdd(Key(model: "0a"), path => WritePlan(path, new string('a', 1000)), out _);
        string b = cache.GetOrAdd(Key(model: "0b"), path => WritePlan(path, new string('b', 1000)), out _);
        File.SetLastWriteTimeUtc(a, DateTime.UtcNow.AddMinutes(-10));
        File.SetLastWriteTimeUtc(b, DateTime.UtcNow.AddMinutes(-5));
        cache.GetOrAdd(Key(model: "0a"), _ => Assert.Fail("a is stored"), out bool hit);   // a is used again: b is now the oldest
        Assert.That(hit, Is.True);
        string c = cache.GetOrAdd(Key(model: "0c"), path => WritePlan(path, new string('c', 1000)), out _);
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(a), Is.True);
            Assert.That(File.Exists(b), Is.False, "least recently used");
            Assert.That(File.Exists(PlanManifest.PathFor(b)), Is.False);
            Assert.That(File.Exists(c), Is.True, "the entry just stored is kept");
        });
    }

    [Test]
    public void TheModelKeyCoversExternalWeights()
    {
        string folder = Path.Combine(_folder, "model");
        var model = TrtSharp.Onnx.OnnxModel.FromProto(TrtSharp.Tests.Cli.CliModels.Chain(TrtSharp.Tests.Cli.CliModels.C));
        string path = Path.Combine(folder, "chain.onnx");
        model.Save(path, new TrtSharp.Onnx.OnnxSaveOptions { UseExternalData = true, ExternalDataThreshold = 0 });
        string before = EngineCache.ModelContentSha256(path);
        string data = Directory.GetFiles(folder).Single(f => f != path);
        byte[] bytes = File.ReadAllBytes(data);
        bytes[^1] ^= 1;
        File.WriteAllBytes(data, bytes);
        Assert.That(EngineCache.ModelContentSha256(path), Is.Not.EqualTo(before), "same model.onnx, other weights: another engine");
        Assert.That(PlanManifest.Sha256OfFile(path), Is.Not.EqualTo(before), "the key is more than the .onnx file's hash");
    }

    [Test]
    [Category("Gpu")]
    public void GetOrBuildBuildsOnceThenLoads()
    {
        NativeShimFixture.RequireTensorRt();
        string model = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx";
        var cache = new EngineCache(_folder);
        using (Engine first = cache.GetOrBuild(model, new BuilderOptions(), out bool hit))
        {
            Assert.That(hit, Is.False);
            Assert.That(first.Inputs.Count(), Is.EqualTo(1));
        }
        using Engine second = cache.GetOrBuild(model, new BuilderOptions(), out bool again);
        Assert.That(again, Is.True);
        Assert.That(cache.Entries(), Has.Count.EqualTo(1));
    }
}
