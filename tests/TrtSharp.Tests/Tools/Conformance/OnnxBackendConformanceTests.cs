using TrtSharp.Onnx;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tools.Conformance;

namespace TrtSharp.Tests.Tools.Conformance;

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

    // Passed counts with en_US.UTF-8 installed (as .ci/run does); without it the StringNormalizer cases fail too.
    [TestCase("node", 932, 887, 10)]
    [TestCase("simple", 23, 21, 0)]
    [TestCase("pytorch-converted", 82, 59, 0)]
    [TestCase("pytorch-operator", 35, 24, 0)]
    public void PassCountPerSuite(string suite, int cases, int passed, int nondeterministic)
    {
        var s = _report.BySuite().Single(x => x.Suite == suite);
        int localeCases = LocaleProbe.HasEnUsUtf8() ? 0 : KnownFailures.OnOnnxRuntime.Count(f => f.Value == Why.Locale && f.Key.StartsWith(suite + "/", StringComparison.Ordinal));
        Assert.That(s.Passed + s.Failed + s.Errors + s.Nondeterministic, Is.EqualTo(cases));
        Assert.That(s.Nondeterministic, Is.EqualTo(nondeterministic));
        Assert.That(s.Passed, Is.EqualTo(passed - localeCases), $"{suite}: pass count changed; update the known failures if a case was fixed");
    }

    [Test]
    public void AtLeast96PercentOfTheDeterministicNodeTestsPass()
    {
        var node = _report.BySuite().Single(x => x.Suite == "node");
        Assume.That(LocaleProbe.HasEnUsUtf8(), Is.True, "en_US.UTF-8 is not installed (.ci/run installs it)");
        Assert.That((double)node.Passed / (node.Passed + node.Failed + node.Errors), Is.GreaterThanOrEqualTo(0.96));
    }

    [Test]
    public void ExactlyTheKnownCasesDoNotPass()
    {
        bool hasLocale = LocaleProbe.HasEnUsUtf8();
        var expected = KnownFailures.OnOnnxRuntime.Where(f => f.Value != Why.Locale || !hasLocale).Select(f => f.Key).ToList();
        var notPassing = _report.Cases.Where(c => c.Outcome is ConformanceOutcome.Failed or ConformanceOutcome.Error)
            .ToDictionary(c => $"{c.Suite}/{c.Name}", c => c.Reason, StringComparer.Ordinal);
        var unexpected = notPassing.Keys.Except(expected).Select(k => $"{k}: {notPassing[k]}").ToList();
        var fixedNow = expected.Except(notPassing.Keys).ToList();
        var random = _report.Cases.Where(c => c.Outcome == ConformanceOutcome.Nondeterministic).Select(c => $"{c.Suite}/{c.Name}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unexpected, Is.Empty, "cases that newly fail");
            Assert.That(fixedNow, Is.Empty, "known failures that now pass");
            Assert.That(random, Is.EquivalentTo(KnownFailures.Nondeterministic), "cases checked for types and shapes only");
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
            Why.EmptySequence => ["empty sequences cannot be passed"],
            Why.FloatToString => ["string 1:"],
            Why.CastLikeShape => ["tensor 'like': expected rank 2"],
            Why.FftRoundOff or Why.BFloat16Truncation or Why.OrtDiffers => ["elements outside"],
            _ => throw new ArgumentOutOfRangeException(nameof(why)),
        };
        Assert.Multiple(() =>
        {
            foreach (var c in _report.Cases.Where(c => c.Outcome is ConformanceOutcome.Failed or ConformanceOutcome.Error))
            {
                if (KnownFailures.OnOnnxRuntime.TryGetValue($"{c.Suite}/{c.Name}", out var why))
                {
                    Assert.That(markers(why).Any(m => c.Reason.Contains(m, StringComparison.Ordinal)), Is.True, $"{c.Name} ({why}): {c.Reason}");
                }
            }
        });
    }
}
