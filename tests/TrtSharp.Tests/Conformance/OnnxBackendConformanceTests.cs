using TrtSharp.Conformance;
using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;

namespace TrtSharp.Tests.Conformance;

/// <summary>
/// The ONNX backend test suite from Debian's libonnx-testdata (written by the ONNX project, not by us),
/// run on the ONNX Runtime backend through the conformance runner.
/// </summary>
[TestFixture]
[Category("Conformance")]
public class OnnxBackendConformanceTests
{
    private const string DataRoot = "/usr/share/libonnx-testdata/data";
    private ConformanceReport _report = null!;

    [OneTimeSetUp]
    public void RunTheSuite()
    {
        Assert.That(Directory.Exists(DataRoot), Is.True, $"{DataRoot} is missing: install Debian's libonnx-testdata");
        var runner = new ConformanceRunner(
            "ort",
            path => OnnxRuntimeSession.FromFile(path, new OnnxRuntimeOptions { IntraOpThreads = 1, LogSeverity = OnnxRuntimeLogSeverity.Fatal }),
            path => TensorProtoFile.Read(path).Tensor);
        _report = runner.Run(DataRoot);
    }

    [TestCase("node", 932, 860)]
    [TestCase("simple", 23, 17)]
    [TestCase("pytorch-converted", 82, 59)]
    [TestCase("pytorch-operator", 35, 24)]
    public void PassCountPerSuite(string suite, int cases, int passed)
    {
        var s = _report.BySuite().Single(x => x.Suite == suite);
        Assert.That(s.Passed + s.Failed + s.Errors, Is.EqualTo(cases));
        Assert.That(s.Passed, Is.EqualTo(passed), $"{suite}: pass count changed; update the known failures if a case was fixed");
    }

    [Test]
    public void ExactlyTheKnownCasesDoNotPass()
    {
        var notPassing = _report.Cases.Where(c => c.Outcome != ConformanceOutcome.Passed)
            .ToDictionary(c => $"{c.Suite}/{c.Name}", c => c.Reason, StringComparer.Ordinal);
        var unexpected = notPassing.Keys.Except(KnownFailures.OnOnnxRuntime.Keys).Select(k => $"{k}: {notPassing[k]}").ToList();
        var fixedNow = KnownFailures.OnOnnxRuntime.Keys.Except(notPassing.Keys).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unexpected, Is.Empty, "cases that newly fail");
            Assert.That(fixedNow, Is.Empty, "known failures that now pass");
        });
    }

    [Test]
    public void EachKnownFailureFailsForItsStatedReason()
    {
        string[] markers(Why why) => why switch
        {
            Why.Training => ["ai.onnx.preview.training"],
            Why.OldOpset or Why.NoKernel => ["Could not find an implementation"],
            Why.Locale => ["string_normalizer"],
            Why.BatchwiseRnn => ["Exception during initialization"],
            Why.NonTensor => ["data:"],
            Why.FloatToString => ["string 1:"],
            Why.CastLikeShape => ["tensor 'like': expected rank 2"],
            Why.Random or Why.FftRoundOff or Why.BFloat16Truncation or Why.OrtDiffers => ["elements outside"],
            _ => throw new ArgumentOutOfRangeException(nameof(why)),
        };
        Assert.Multiple(() =>
        {
            foreach (var c in _report.Cases.Where(c => c.Outcome != ConformanceOutcome.Passed))
            {
                if (KnownFailures.OnOnnxRuntime.TryGetValue($"{c.Suite}/{c.Name}", out var why))
                {
                    Assert.That(markers(why).Any(m => c.Reason.Contains(m, StringComparison.Ordinal)), Is.True, $"{c.Name} ({why}): {c.Reason}");
                }
            }
        });
    }
}
