using TrtSharp.Errors;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tools.Conformance;

namespace TrtSharp.Tests.Onnx.Normalization;

/// <summary>
/// Real exports at old opsets: every ONNX backend test case of Debian's libonnx-testdata whose model is below opset 13
/// (PyTorch-converted modules, the "simple" models, the per-operator node tests) is normalized to opset 13 and run on
/// ONNX Runtime against the outputs the ONNX project ships. No case that passes as shipped may fail after normalization.
/// </summary>
[TestFixture]
[Category("Conformance")]
public class BackendDataNormalizationTests
{
    private const string DataRoot = "/usr/share/libonnx-testdata/data";

    private static OnnxRuntimeOptions Quiet() => new() { IntraOpThreads = 1, LogSeverity = OnnxRuntimeLogSeverity.Fatal };

    [Test]
    public void OldOpsetCasesStillMatchTheShippedOutputsAfterNormalization()
    {
        if (!Directory.Exists(DataRoot))
        {
            Assert.Ignore($"{DataRoot} is missing: install Debian's libonnx-testdata");
        }
        var cases = new List<string>();
        foreach (string suite in new[] { "simple", "pytorch-converted", "pytorch-operator", "node" })
        {
            foreach (string dir in ConformanceRunner.FindCases(Path.Combine(DataRoot, suite)))
            {
                long opset = OnnxModel.Load(Path.Combine(dir, "model.onnx")).OpsetImports.GetValueOrDefault("");
                if (opset is >= 6 and < 13)
                {
                    cases.Add(dir);
                }
            }
        }
        Assert.That(cases, Has.Count.GreaterThan(100), "libonnx-testdata should hold well over a hundred old-opset cases");

        var reports = new Dictionary<string, NormalizationReport>();
        var refused = new List<string>();
        var asShipped = new ConformanceRunner("ort", path => OnnxRuntimeSession.FromFile(path, Quiet()), path => TensorProtoFile.Read(path).Tensor);
        var normalized = new ConformanceRunner("ort-normalized", path =>
        {
            try
            {
                var model = OnnxModel.LoadNormalized(path);
                reports[path] = model.Normalization!;
                return OnnxRuntimeSession.FromModel(model.Proto, Quiet());
            }
            catch (OpsetConversionException e)
            {
                refused.Add(e.Message);
                throw;
            }
        }, path => TensorProtoFile.Read(path).Tensor);

        var regressions = new List<string>();
        int passedBefore = 0, passedAfter = 0, fixedCount = 0;
        foreach (string dir in cases)
        {
            var before = asShipped.RunCase(dir);
            var after = normalized.RunCase(dir);
            passedBefore += before.Outcome == ConformanceOutcome.Passed ? 1 : 0;
            passedAfter += after.Outcome == ConformanceOutcome.Passed ? 1 : 0;
            // Scan-8's batch axis has no Scan-9 form: the one refusal we accept, checked below.
            if (before.Outcome == ConformanceOutcome.Passed && after.Outcome != ConformanceOutcome.Passed && before.Name != "test_scan_sum")
            {
                regressions.Add($"{before.Suite}/{before.Name}: {after.Reason}");
            }
            fixedCount += before.Outcome != ConformanceOutcome.Passed && after.Outcome == ConformanceOutcome.Passed ? 1 : 0;
        }
        TestContext.Out.WriteLine($"{cases.Count} old-opset cases: {passedBefore} pass as shipped, {passedAfter} after normalization to opset 13 ({fixedCount} newly passing); {refused.Count} refused");
        foreach (string r in refused)
        {
            TestContext.Out.WriteLine("refused: " + r);
        }
        Assert.Multiple(() =>
        {
            Assert.That(regressions, Is.Empty, "cases that pass as shipped but fail after normalization");
            Assert.That(reports.Values.Count(r => r.OpsetChanged), Is.EqualTo(reports.Count), "every loaded case went to opset 13");
            Assert.That(reports.Values.Sum(r => r.Conversions.Count), Is.GreaterThan(30), "the converter rewrote nodes in many of them");
            Assert.That(refused, Has.Count.EqualTo(1).And.Some.Contains("'Scan#0' (Scan)"));
            Assert.That(fixedCount, Is.GreaterThanOrEqualTo(27), "opset-6 cases ONNX Runtime no longer runs as shipped pass once converted");
            Assert.That(reports.Values.Sum(r => r.NodesFolded + r.ConstantsHoisted), Is.GreaterThan(0));
        });
    }
}
