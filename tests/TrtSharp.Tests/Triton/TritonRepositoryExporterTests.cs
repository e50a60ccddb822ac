using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.TensorRT;
using TrtSharp.Tests.Cli;
using TrtSharp.Tests.Tools.Models;
using TrtSharp.Triton;

namespace TrtSharp.Tests.Triton;

public sealed class TritonRepositoryExporterTests
{
    private string _folder = "";

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "trtsharp-triton-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private string Repo => Path.Combine(_folder, "repo");

    [Test]
    public void TheSpeechEmbeddingModelExportsAsTheGoldenConfig()
    {
        string embedding = InstalledSpeechModels.Require().Embedding;
        var run = CliRun.Of("export-triton", embedding, "--repo", Repo, "--name", "emb", "--max-batch", "32",
            "--dynamic-batching", "--preferred-batch", "8", "16", "--instances", "2");
        run.AssertExit(0);
        string golden = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "Triton", "embedding_model.batched.config.pbtxt"));
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(Repo, "emb", "config.pbtxt")), Is.EqualTo(golden));
            Assert.That(Directory.GetFileSystemEntries(Repo), Is.EqualTo(new[] { Path.Combine(Repo, "emb") }), "no staging folder left behind");
        });
        // The copied model is the same graph (saved, not byte-copied, so external weights would come along).
        var copy = OnnxModel.Load(Path.Combine(Repo, "emb", "1", "model.onnx"));
        Assert.That(copy.Graph.Nodes.Count, Is.EqualTo(OnnxModel.Load(embedding).Graph.Nodes.Count));
    }

    [Test]
    public void AnExistingVersionIsKeptUnlessForced()
    {
        string model = CliModels.Save(_folder, "chain.onnx", CliModels.Chain(CliModels.C));
        TritonRepositoryExporter.Export(model, Repo, new TritonExportOptions { Name = "chain" });
        string config = Path.Combine(Repo, "chain", "config.pbtxt");
        string before = File.ReadAllText(config);

        var ex = Assert.Throws<ModelFormatException>(() => TritonRepositoryExporter.Export(model, Repo, new TritonExportOptions { Name = "chain", Instances = 3 }));
        Assert.That(ex!.Message, Does.Contain("already exists").And.Contain("--force"));
        Assert.That(File.ReadAllText(config), Is.EqualTo(before));

        TritonRepositoryExporter.Export(model, Repo, new TritonExportOptions { Name = "chain", Instances = 3, Overwrite = true });
        Assert.That(File.ReadAllText(config), Does.Contain("count: 3"));
        // A new version with the same configuration goes beside the first; one that would change the shared config is refused.
        TritonRepositoryExporter.Export(model, Repo, new TritonExportOptions { Name = "chain", Instances = 3, Version = 2 });
        Assert.That(File.Exists(Path.Combine(Repo, "chain", "2", "model.onnx")), Is.True);
        var changed = Assert.Throws<ModelFormatException>(() => TritonRepositoryExporter.Export(model, Repo, new TritonExportOptions { Name = "chain", Version = 3 }));
        Assert.That(changed!.Message, Does.Contain("describes this model differently"));
        Assert.That(File.Exists(Path.Combine(Repo, "chain", "3", "model.onnx")), Is.False);
        Assert.That(File.ReadAllText(config), Does.Contain("count: 3"));
        Assert.That(Directory.GetDirectories(Repo), Has.Length.EqualTo(1), "staging folders are removed");
    }

    [Test]
    public void AFailedExportLeavesNothingBehind()
    {
        // A batch the model cannot take: refused after the model is read, before anything is written.
        string model = CliModels.Save(_folder, "bad.onnx", CliModels.Chain(CliModels.C));
        var run = CliRun.Of("export-triton", model, "--repo", Repo, "--max-batch", "4");
        run.AssertOneLineError("dynamic leading (batch) dimension");
        Assert.That(Directory.Exists(Repo) ? Directory.GetFileSystemEntries(Repo) : [], Is.Empty);
    }

    [Test]
    public void APlanNeedsTensorRtOrTheModelItWasBuiltFrom()
    {
        if (TensorRtRuntime.IsAvailable)
        {
            Assert.Ignore("TensorRT is available here: the plan's tensors are read from the engine (covered by the GPU tests)");
        }
        string model = CliModels.Save(_folder, "chain.onnx", CliModels.Chain(CliModels.C));
        // The exporter copies a plan without reading it; these bytes stand for one, with a manifest naming its source model.
        string plan = Path.Combine(_folder, "chain.plan");
        File.WriteAllBytes(plan, [1, 2, 3, 4]);
        new PlanManifest
        {
            TensorRtVersion = "10.16.1", GpuName = "test", ComputeCapability = "9.0",
            ModelSha256 = PlanManifest.Sha256OfFile(model), PlanSha256 = PlanManifest.Sha256OfFile(plan),
        }.Save(plan);

        CliRun.Of("export-triton", plan, "--repo", Repo).AssertOneLineError("pass the ONNX model it was built from (--onnx)");

        string other = CliModels.Save(_folder, "other.onnx", CliModels.PerturbedChain());
        CliRun.Of("export-triton", plan, "--repo", Repo, "--onnx", other).AssertOneLineError("is not the model");

        var run = CliRun.Of("export-triton", plan, "--repo", Repo, "--onnx", model, "--max-batch", "0");
        run.AssertExit(0);
        string folder = Path.Combine(Repo, "chain");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(folder, "1", "model.plan")), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
            Assert.That(File.Exists(Path.Combine(folder, "1", "model.plan.json")), Is.True, "the manifest travels with the plan");
            Assert.That(File.ReadAllText(Path.Combine(folder, "config.pbtxt")), Does.Contain("platform: \"tensorrt_plan\"").And.Contain("kind: KIND_GPU").And.Contain("dims: [ 1, 4 ]"));
            Assert.That(run.Out, Does.Contain("SHA-256 matches the manifest"));
        });
    }

    [TestCase("is a directory")]
    public void AFolderIsNotAModel(string fragment) =>
        CliRun.Of("export-triton", _folder, "--repo", Repo).AssertOneLineError(fragment);

    [Test]
    public void AMissingModelIsNamed() =>
        CliRun.Of("export-triton", Path.Combine(_folder, "none.onnx"), "--repo", Repo).AssertOneLineError("none.onnx: file not found");
}
