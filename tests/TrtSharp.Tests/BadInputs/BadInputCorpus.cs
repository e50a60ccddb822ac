using System.Collections.Concurrent;
using Google.Protobuf;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.BadInputs;

/// <summary>
/// The hostile-input corpus: every family's files, generated on first use into one temporary folder (each file in its
/// own subfolder, so companions such as external data or manifests sit beside it), plus the valid files the commands
/// need around them. Nothing binary is committed: this code is the corpus.
/// </summary>
internal static class BadInputCorpus
{
    private static readonly Lazy<string> Root = new(() => Directory.CreateTempSubdirectory("trtsharp-bad-inputs").FullName, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Written = new(StringComparer.Ordinal);
    private static readonly Lazy<string> GoodFolder = new(WriteGood, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every hostile input, by family.</summary>
    public static IReadOnlyList<BadInput> All { get; } =
    [
        .. BadModelFiles.All(), .. BadNumpyFiles.Npy(), .. BadNumpyFiles.Npz(), .. BadTensorProtoFiles.All(),
        .. BadCacheFiles.All(), .. BadPlanFiles.Plans(), .. BadPlanFiles.Manifests(), .. BadWavFiles.All(),
    ];

    /// <summary>Names of the inputs of the given kinds (test case sources: names only, files are written where the test runs).</summary>
    public static IEnumerable<string> Names(params BadInputKind[] kinds) => All.Where(b => kinds.Contains(b.Kind)).Select(b => b.Name);

    /// <summary>The input called <paramref name="name"/> and the path of its written file.</summary>
    public static (BadInput Input, string Path) Get(string name)
    {
        BadInput input = All.Single(b => b.Name == name);
        string path = Written.GetOrAdd(name, n => new Lazy<string>(() =>
        {
            string dir = Path.Combine(Root.Value, n);
            Directory.CreateDirectory(dir);
            return input.Write(dir);
        })).Value;
        return (input, path);
    }

    /// <summary>The valid model (x: float[1,4] → y), beside a valid <c>x.npy</c> and <c>input_0.pb</c>.</summary>
    public static string GoodModel => Path.Combine(GoodFolder.Value, "model.onnx");

    /// <summary>A valid <c>x.npy</c> for <see cref="GoodModel"/>.</summary>
    public static string GoodNpy => Path.Combine(GoodFolder.Value, "x.npy");

    /// <summary>A valid <c>input_0.pb</c> for <see cref="GoodModel"/>.</summary>
    public static string GoodPb => Path.Combine(GoodFolder.Value, "input_0.pb");

    /// <summary>The default speech models (installed by the Test target), for WAV inputs.</summary>
    public static SpeechModelSet Speech => DefaultModels.EnsureInstalled();

    /// <summary>A fresh empty folder for a command's outputs.</summary>
    public static string NewOutputFolder() => Directory.CreateDirectory(Path.Combine(Root.Value, "_out", Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Deletes everything written.</summary>
    public static void Delete()
    {
        if (Root.IsValueCreated && Directory.Exists(Root.Value))
        {
            Directory.Delete(Root.Value, recursive: true);
        }
    }

    private static string WriteGood()
    {
        string dir = Path.Combine(Root.Value, "_good");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), BadModelFiles.Valid().ToByteArray());
        File.WriteAllBytes(Path.Combine(dir, "x.npy"), BadNumpyFiles.ValidNpy());
        File.WriteAllBytes(Path.Combine(dir, "input_0.pb"), BadTensorProtoFiles.Valid().ToByteArray());
        return dir;
    }
}

/// <summary>Removes the corpus after the run.</summary>
[SetUpFixture]
public sealed class BadInputCorpusCleanup
{
    [OneTimeTearDown]
    public void Delete() => BadInputCorpus.Delete();
}
