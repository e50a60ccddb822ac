using TrtSharp.Tests.Cli;
using static TrtSharp.Tests.BadInputs.BadInputCorpus;

namespace TrtSharp.Tests.BadInputs;

/// <summary>
/// Every CLI command over every hostile file it can be given, in-process: exit 2, one line naming the file and the
/// problem, no stack trace, nothing written (see <see cref="BadInputContract"/>). One test case per file and command.
/// </summary>
[TestFixture]
[NonParallelizable] // allocation is measured per command
public class BadInputCommandTests
{
    private static IEnumerable<string> ModelsAndPlans => Names(BadInputKind.Model, BadInputKind.Plan, BadInputKind.PlanManifest);

    private static IEnumerable<string> InputFiles => Names(BadInputKind.Npy, BadInputKind.Npz, BadInputKind.TensorProto);

    private static IEnumerable<string> Models => Names(BadInputKind.Model);

    private static IEnumerable<string> Caches => Names(BadInputKind.CalibrationCache);

    private static IEnumerable<string> Wavs => Names(BadInputKind.Wav);

    private static IEnumerable<string> ConformanceCases => Names(BadInputKind.Model, BadInputKind.TensorProto);

    [TestCaseSource(nameof(ModelsAndPlans))]
    public void Inspect(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("inspect", input, path, output, path, "--json", Path.Combine(output, "facts.json"));
    }

    [TestCaseSource(nameof(ModelsAndPlans))]
    public void RunModel(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("run", input, path, output, path, "--output-dir", output);
    }

    [TestCaseSource(nameof(InputFiles))]
    public void RunInputs(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("run", input, path, output, [GoodModel, .. InputArguments(input, path), "--output-dir", output]);
    }

    [TestCaseSource(nameof(ModelsAndPlans))]
    public void CompareModel(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("compare", input, path, output, path, GoodModel, "--json", Path.Combine(output, "report.json"), "--plots", Path.Combine(output, "plots"));
        BadInputContract.Check("compare", input, path, output, GoodModel, path, "--json", Path.Combine(output, "report.json"));
    }

    [TestCaseSource(nameof(InputFiles))]
    public void CompareInputs(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("compare", input, path, output, [GoodModel, GoodModel, .. InputArguments(input, path), "--json", Path.Combine(output, "report.json")]);
    }

    [TestCaseSource(nameof(ModelsAndPlans))]
    public void Bench(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("bench", input, path, output, path, "--iterations", "1", "--warmup-ms", "0", "--export-times", Path.Combine(output, "times.json"));
    }

    [TestCaseSource(nameof(Models))]
    public void QuantizeModel(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("quantize", input, path, output, [path, "--data", GoodNpy, .. QuantizeOutputs(output)]);
    }

    [TestCaseSource(nameof(InputFiles))]
    public void QuantizeData(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("quantize", input, path, output, [GoodModel, "--data", path, .. QuantizeOutputs(output)]);
    }

    [TestCaseSource(nameof(Caches))]
    public void QuantizeFromCache(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("quantize", input, path, output, [GoodModel, "--from-cache", path, .. QuantizeOutputs(output)]);
    }

    [TestCaseSource(nameof(Wavs))]
    public void QuantizeSpeech(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        var speech = BadInputCorpus.Speech;
        BadInputContract.Check("quantize", input, path, output, [speech.Embedding, "--speech", path, "--mel", speech.Melspectrogram, .. QuantizeOutputs(output)]);
    }

    [TestCaseSource(nameof(Models))]
    public void Build(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("build", input, path, output, path, "-o", Path.Combine(output, "model.plan"));
    }

    [TestCaseSource(nameof(Caches))]
    public void BuildWithCache(string name)
    {
        var (input, path) = Get(name);
        string output = NewOutputFolder();
        BadInputContract.Check("build", input, path, output, GoodModel, "-o", Path.Combine(output, "model.plan"), "--int8", "--calib-cache", path);
    }

    /// <summary>
    /// A backend test case with a hostile model or input: conformance reports it as an error of that case (exit 1,
    /// a failed check, not bad input of the command) naming the file, and goes on.
    /// </summary>
    [TestCaseSource(nameof(ConformanceCases))]
    public void Conformance(string name)
    {
        var (input, path) = Get(name);
        string suite = NewOutputFolder();
        string testCase = Path.Combine(suite, "test_hostile");
        string data = Path.Combine(testCase, "test_data_set_0");
        Directory.CreateDirectory(data);
        File.Copy(input.Kind == BadInputKind.Model ? path : GoodModel, Path.Combine(testCase, "model.onnx"));
        File.Copy(input.Kind == BadInputKind.TensorProto ? path : GoodPb, Path.Combine(data, "input_0.pb"));
        File.Copy(GoodPb, Path.Combine(data, "output_0.pb"));
        var run = CliRun.Of("conformance", testCase, "--show-passed");
        Assert.That(run.Error, Does.Not.Contain("   at ").And.Not.Contain("internal error"), run.ToString());
        if (run.ExitCode == 0 && input.MayPassIn("conformance"))
        {
            return;
        }
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Out, Does.Contain("test_hostile").And.Contain("error").Or.Contain("FAIL"), run.ToString());
        });
    }

    private static string[] InputArguments(BadInput input, string path) => input.Kind == BadInputKind.Npz
        ? ["--data", Path.GetDirectoryName(path)!]
        : ["--input", $"x={path}"];

    private static string[] QuantizeOutputs(string output) =>
        ["-o", Path.Combine(output, "q.onnx"), "--cache", Path.Combine(output, "q.cache"), "--report", Path.Combine(output, "report")];
}
