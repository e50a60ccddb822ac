using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;
using TrtSharp.Tests.Tools.Speech;
using TrtSharp.Tools.Audio;
using TrtSharp.Tools.Models;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Tests.RealModels;

/// <summary>
/// Silero VAD (opset 16; everything inside an If on the sample rate, an LSTM in each branch) streamed over the
/// espeak-ng clips 512 samples at a time with its state carried: the task metric is the per-chunk speech decision.
/// </summary>
[Category("RealModels")]
public class SileroVadTests
{
    private const int Chunk = 512;
    private const float Threshold = 0.5f;
    private string _model = null!;
    private IReadOnlyList<SpeechClip> _calibration = null!;
    private IReadOnlyList<SpeechClip> _heldOut = null!;
    private bool[][] _fp32 = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _model = InstalledSuiteModels.Require().Speech.Vad;
        var clips = SpeechModelsFixture.Clips();
        _calibration = [.. clips.Where(c => !c.IsHoldout)];
        _heldOut = [.. clips.Where(c => c.IsHoldout)];
        using OnnxRuntimeSession fp32 = SuiteQuantization.OpenFp32(_model);
        _fp32 = [.. _heldOut.Select(c => Stream(fp32, c, null).Select(p => p >= Threshold).ToArray())];
    }

    [Test]
    public void Fp32HearsSpeechAndNotSilence()
    {
        bool[] any = [.. _fp32.Select(d => d.Any(x => x))];
        var speech = _heldOut.Select((c, i) => (c, any[i])).Where(p => p.c.Kind is SpeechClipKind.Wake or SpeechClipKind.Speech).ToList();
        var quiet = _heldOut.Select((c, i) => (c, any[i])).Where(p => p.c.Kind is SpeechClipKind.Silence).ToList();
        TestContext.Progress.WriteLine($"silero_vad FP32: speech heard in {speech.Count(p => p.Item2)}/{speech.Count} spoken clips, in {quiet.Count(p => p.Item2)}/{quiet.Count} silent ones");
        Assert.That(speech.All(p => p.Item2) && quiet.All(p => !p.Item2), Is.True);
    }

    [TestCase("trt")]
    [TestCase("ort-cpu")]
    public void DefaultQuantizationKeepsTheDecisions(string placement)
    {
        using OnnxRuntimeSession fp32 = SuiteQuantization.OpenFp32(_model);
        var samples = new List<IReadOnlyDictionary<string, HostTensor>>();
        foreach (SpeechClip clip in _calibration.Where((_, i) => i % 2 == 0))
        {
            Stream(fp32, clip, samples);
        }
        var (int8, result) = SuiteQuantization.QuantizeWithResult(_model, new InMemoryDataset($"{samples.Count} chunks with their FP32 state", samples), placement);
        using OnnxRuntimeSession session = int8;
        // The whole network sits in the If's branches (an LSTM each): it stays float, and the report says so.
        NodeDecision branch = result.Qdq.Nodes.Single(n => n.OpType == "If");
        TestContext.Progress.WriteLine($"silero_vad [{placement}]: If node {branch.Status} ({branch.Reason})");
        Assert.That(branch.Status, Is.Not.EqualTo(NodeStatus.Quantized));
        bool[] reference = [.. _fp32.SelectMany(d => d)];
        bool[] quantized = [.. _heldOut.SelectMany(c => Stream(int8, c, null).Select(p => p >= Threshold))];
        double same = SuiteQuantization.Report("silero_vad chunk decisions", placement, reference, quantized, (a, b) => a == b);
        Assert.That(same, Is.GreaterThanOrEqualTo(0.99));
    }

    /// <summary>Speech probability per 512-sample chunk; every fourth chunk's inputs (with the state reached) go to <paramref name="record"/>.</summary>
    private static List<float> Stream(OnnxRuntimeSession session, SpeechClip clip, List<IReadOnlyDictionary<string, HostTensor>>? record)
    {
        short[] audio = WavFile.ReadMono16k(clip.Path);
        var h = new HostTensor<float>(2, 1, 64);
        var c = new HostTensor<float>(2, 1, 64);
        var probabilities = new List<float>();
        for (int start = 0; start + Chunk <= audio.Length; start += Chunk)
        {
            float[] samples = [.. audio.AsSpan(start, Chunk).ToArray().Select(s => s / 32768f)];
            var inputs = new Dictionary<string, HostTensor>
            {
                ["input"] = new HostTensor<float>([1, Chunk], samples),
                ["sr"] = new HostTensor<long>([], [WakeWordFraming.SampleRate]),
                ["h"] = h,
                ["c"] = c,
            };
            if (record is not null && probabilities.Count % 4 == 0)
            {
                record.Add(inputs);
            }
            var outputs = session.Run(inputs);
            probabilities.Add(((HostTensor<float>)outputs["output"]).Data[0]);
            h = (HostTensor<float>)outputs["hn"];
            c = (HostTensor<float>)outputs["cn"];
        }
        return probabilities;
    }
}
