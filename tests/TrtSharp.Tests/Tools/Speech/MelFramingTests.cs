using TrtSharp.Errors;
using TrtSharp.Tensors;
using TrtSharp.Tools.Audio;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Tests.Tools.Speech;

public class MelFramingTests
{
    private SpeechModelsFixture _models = null!;

    [OneTimeSetUp]
    public void OpenModels() => _models = SpeechModelsFixture.Open();

    [OneTimeTearDown]
    public void CloseModels() => _models?.Dispose();

    [TestCase(512, 1)]
    [TestCase(671, 1)]
    [TestCase(672, 2)]
    [TestCase(1280, 5)]
    [TestCase(1760, 8)]
    [TestCase(16000, 97)]
    [TestCase(64000, 397)]
    public void MelModel_FrameCountIsFloorOfLengthMinus512Over160PlusOne(int samples, int expectedFrames)
    {
        var audio = new HostTensor<float>([1, samples], Enumerable.Range(0, samples).Select(i => (float)((i * 7919 % 2001) - 1000)).ToArray());
        var output = _models.Mel.Run(new Dictionary<string, HostTensor> { ["input"] = audio })[_models.Mel.Outputs[0].Name];
        Assert.That(output.ShapeArray(), Is.EqualTo(new long[] { 1, 1, expectedFrames, 32 }));
        Assert.That(WakeWordFraming.MelFrameCount(samples), Is.EqualTo(expectedFrames));
    }

    [Test]
    public void MelFrameCount_BelowOneWindowIsZero() => Assert.That(WakeWordFraming.MelFrameCount(511), Is.Zero);

    [Test]
    public void MelFrameStream_EachChunkAddsTheEightFramesOfPrevious480PlusNew1280Samples()
    {
        short[] audio = WavFile.ReadMono16k(Path.Combine(Tests.Tools.Models.InstalledSpeechModels.CalibrationDataDirectory(), "wav", "wake_hey_jarvis_en_160_p65.wav"));
        using var stream = new MelFrameStream(_models.Mel);
        Assert.That(stream.Window.ToArray(), Is.All.EqualTo(1f), "starts as 76 frames of 1.0");
        const int chunks = 12;
        for (int c = 0; c < chunks; c++)
        {
            stream.Push(audio.AsSpan(c * 1280, 1280));
        }
        float[] window = stream.Window.ToArray();
        // Independent reference: one offline mel call per chunk over [c·1280 − 480, (c+1)·1280), zero-padded before the clip.
        for (int c = 0; c < chunks; c++)
        {
            float[] input = new float[1760];
            for (int i = 0; i < 1760; i++)
            {
                int s = (c * 1280) - 480 + i;
                input[i] = s < 0 ? 0 : audio[s];
            }
            var mel = (HostTensor<float>)_models.Mel.Run(new Dictionary<string, HostTensor> { ["input"] = new HostTensor<float>([1, 1760], input) })[_models.Mel.Outputs[0].Name];
            int frameInWindow = 76 - ((chunks - c) * 8);
            for (int f = 0; f < 8; f++)
            {
                if (frameInWindow + f < 0)
                {
                    continue;
                }
                for (int b = 0; b < 32; b++)
                {
                    float expected = (mel.Data[(f * 32) + b] / 10f) + 2f;
                    Assert.That(window[((frameInWindow + f) * 32) + b], Is.EqualTo(expected).Within(1e-5f), $"chunk {c} frame {f} bin {b}");
                }
            }
        }
        stream.Reset();
        Assert.That(stream.Window.ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void WakeWordWindows_OneWindowPerChunkAfterWarmup_AndBatchesAgree()
    {
        short[] audio = WavFile.ReadMono16k(Path.Combine(Tests.Tools.Models.InstalledSpeechModels.CalibrationDataDirectory(), "wav", "speech_00_en-us_130_p35.wav"));
        int chunks = audio.Length / 1280;
        using var windows = new WakeWordWindows(_models.Mel);
        HostTensor<float> all = windows.Compute(audio);
        Assert.That(all.ShapeArray(), Is.EqualTo(new long[] { chunks - 9, 76, 32, 1 }));
        Assert.That(WakeWordWindows.CountWindows(audio.Length), Is.EqualTo(chunks - 9));
        // The clip starts with 0.5 s of digital silence: the mel model floors power at 1e-10 (−100 dB), so the
        // first real frame is −100/10 + 2 = −8 in every bin, not a start-up frame of 1.0.
        Assert.That(all.Data.AsSpan(0, 32).ToArray(), Is.All.EqualTo(-8f));

        float[] batched = windows.Batches(audio, 7).SelectMany(b =>
        {
            Assert.That(b.Shape[0], Is.InRange(1, 7));
            return b.Data;
        }).ToArray();
        Assert.That(batched, Is.EqualTo(all.Data));

        HostTensor<float> warm = windows.Compute(audio, includeWarmup: true);
        Assert.That(warm.Shape[0], Is.EqualTo(chunks));
        // The first window holds 68 frames of 1.0 and then the first chunk's 8 frames.
        Assert.That(warm.Data.AsSpan(0, 68 * 32).ToArray(), Is.All.EqualTo(1f));
        Assert.That(warm.Data.AsSpan(9 * 76 * 32).ToArray(), Is.EqualTo(all.Data));

        // The last window equals the pipeline's stream after the same chunks.
        using var stream = new MelFrameStream(_models.Mel);
        for (int c = 0; c < chunks; c++)
        {
            stream.Push(audio.AsSpan(c * 1280, 1280));
        }
        Assert.That(all.Data.AsSpan(all.Data.Length - (76 * 32)).ToArray(), Is.EqualTo(stream.Window.ToArray()));
    }

    [Test]
    public void MelFrameStream_RefusesAModelThatIsNotAudioToMel()
    {
        var e = Assert.Throws<TensorShapeException>(() => new MelFrameStream(_models.HeadSessions[0]));
        Assert.That(e!.Message, Does.Contain("melspectrogram"));
    }
}
