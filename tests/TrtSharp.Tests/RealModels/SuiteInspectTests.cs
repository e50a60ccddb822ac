using System.Text.Json;
using TrtSharp.Tests.Cli;
using TrtSharp.Tools.Models;

namespace TrtSharp.Tests.RealModels;

/// <summary><c>trtsharp inspect</c> on every suite model: what a new user runs first.</summary>
[Category("RealModels")]
public class SuiteInspectTests
{
    private static IEnumerable<TestCaseData> Members()
    {
        yield return new TestCaseData("ocr-det", 11L, new[] { "x" });
        yield return new TestCaseData("ocr-rec", 9L, new[] { "x" });
        yield return new TestCaseData("ocr-cls", 9L, new[] { "x" });
        yield return new TestCaseData("melspectrogram", 13L, new[] { "input" });
        yield return new TestCaseData("speech-embedding", 13L, new[] { "input_1" });
        yield return new TestCaseData("hey_jarvis", 13L, new[] { "x.1" });
        yield return new TestCaseData("silero_vad", 16L, new[] { "input", "sr", "h", "c" });
    }

    [TestCaseSource(nameof(Members))]
    public void InspectReportsOpsetInputsAndOperators(string member, long opset, string[] inputs)
    {
        SuiteModelSet suite = InstalledSuiteModels.Require();
        CliRun run = CliRun.Of("inspect", suite.Models[member], "--json", "-");
        run.AssertExit(0);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement root = json.RootElement;
        Assert.That(root.GetProperty("opsets").GetProperty("ai.onnx").GetInt64(), Is.EqualTo(opset));
        Assert.That(root.GetProperty("inputs").EnumerateArray().Select(i => i.GetString()!.Split(' ', ':')[0]), Is.EqualTo(inputs));
        Assert.That(root.GetProperty("nodes").GetInt32(), Is.GreaterThan(0));
    }

    [TestCase("ocr-det")]
    [TestCase("ocr-rec")]
    [TestCase("ocr-cls")]
    public void InspectCountsWeightsHeldInConstantNodes(string member)
    {
        SuiteModelSet suite = InstalledSuiteModels.Require();
        CliRun run = CliRun.Of("inspect", suite.Models[member], "--json", "-");
        run.AssertExit(0);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        // Each of these files is 0.5–11 MB of weights, all in Constant nodes.
        Assert.That(json.RootElement.GetProperty("weight_bytes").GetInt64(), Is.GreaterThan(new FileInfo(suite.Models[member]).Length / 2));
    }
}
