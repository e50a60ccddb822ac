using TrtSharp.OnnxRuntime;
using TrtSharp.Tools.Audio;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Tests.Tools.Speech;

public class WakeWordPipelineTests
{
    private SpeechModelsFixture _models = null!;
    private WakeWordPipeline _pipeline = null!;
    private IReadOnlyList<SpeechClip> _clips = null!;

    [OneTimeSetUp]
    public void Open()
    {
        _models = SpeechModelsFixture.Open();
        _pipeline = _models.CreatePipeline();
        _clips = SpeechModelsFixture.Clips();
    }

    [OneTimeTearDown]
    public void Close()
    {
        _pipeline?.Dispose();
        _models?.Dispose();
    }

    [Test]
    public void HeyJarvisClips_AreDetected_NegativesStayLow()
    {
        int jarvis = Array.IndexOf(_models.Heads, "hey_jarvis");
        var lines = new List<string>();
        int detected = 0, positives = 0;
        float lowestPositive = 1f, highestNegative = 0f;
        // Positives: all 12 "hey jarvis" clips. Negatives here: noise and the other wake words' hold-out clips
        // (sentences and silence are covered on every head by SentencesAndSilence_StayLowOnEveryHead).
        foreach (SpeechClip clip in _clips.Where(c => c.WakeWord == "hey_jarvis" || c.Kind == SpeechClipKind.Noise || (c.Kind == SpeechClipKind.Wake && c.IsHoldout)))
        {
            float[] max = _pipeline.ScoreClip(WavFile.ReadMono16k(clip.Path));
            lines.Add($"{Path.GetFileName(clip.Path)}: {string.Join(" ", _models.Heads.Select((h, i) => $"{h}={max[i]:F3}"))}");
            if (clip.WakeWord == "hey_jarvis")
            {
                positives++;
                detected += max[jarvis] > 0.5f ? 1 : 0;
                lowestPositive = Math.Min(lowestPositive, max[jarvis]);
            }
            else
            {
                highestNegative = Math.Max(highestNegative, max[jarvis]);
            }
        }
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, lines));
        TestContext.Out.WriteLine($"hey_jarvis: {detected}/{positives} detected, lowest {lowestPositive:F3}; highest on negatives {highestNegative:F3}");
        Assert.That(positives, Is.EqualTo(12));
        Assert.That(detected, Is.EqualTo(12), "every espeak-ng 'hey jarvis' clip scores > 0.5");
        Assert.That(highestNegative, Is.LessThanOrEqualTo(0.1f), "noise and other wake words stay ≤ 0.1 on hey_jarvis");
    }

    [Test]
    public void SentencesAndSilence_StayLowOnEveryHead()
    {
        foreach (SpeechClip clip in _clips.Where(c => c.Kind is SpeechClipKind.Speech or SpeechClipKind.Silence).Where((_, i) => i % 2 == 0))
        {
            float[] max = _pipeline.ScoreClip(WavFile.ReadMono16k(clip.Path));
            Assert.That(max, Is.All.LessThanOrEqualTo(0.1f), Path.GetFileName(clip.Path));
        }
    }

    [Test]
    public void AlexaHoldoutClips_AreDetectedByTheAlexaHeadOnly()
    {
        int alexa = Array.IndexOf(_models.Heads, "alexa");
        foreach (SpeechClip clip in _clips.Where(c => c.WakeWord == "alexa" && c.IsHoldout))
        {
            float[] max = _pipeline.ScoreClip(WavFile.ReadMono16k(clip.Path));
            Assert.That(max[alexa], Is.GreaterThan(0.5f), Path.GetFileName(clip.Path));
            Assert.That(max.Where((_, i) => i != alexa), Is.All.LessThanOrEqualTo(0.1f), Path.GetFileName(clip.Path));
        }
    }

    [Test]
    public void FirstFiveScoresAfterReset_AreZero_AndResetReproducesScores()
    {
        short[] audio = WavFile.ReadMono16k(_clips.First(c => c.WakeWord == "hey_jarvis").Path);
        var first = new List<float[]>();
        _pipeline.Reset();
        for (int c = 0; c + 1280 <= audio.Length; c += 1280)
        {
            _pipeline.ProcessChunk(audio.AsSpan(c, 1280));
            first.Add(_pipeline.Scores.ToArray());
        }
        Assert.That(first.Take(5).SelectMany(s => s), Is.All.Zero);
        Assert.That(first.Skip(5).SelectMany(s => s), Has.Some.Not.Zero);
        Assert.That(_pipeline.ChunksSinceReset, Is.EqualTo(audio.Length / 1280));

        _pipeline.Reset();
        for (int c = 0, k = 0; c + 1280 <= audio.Length; c += 1280, k++)
        {
            _pipeline.ProcessChunk(audio.AsSpan(c, 1280));
            Assert.That(_pipeline.Scores.ToArray(), Is.EqualTo(first[k]), $"chunk {k}");
        }
    }

    [Test]
    public void Process_WithOddSizedPieces_MatchesWholeChunks()
    {
        short[] audio = WavFile.ReadMono16k(_clips.First(c => c.WakeWord == "hey_jarvis" && c.Voice == "en+f3").Path);
        float[] whole = _pipeline.ScoreClip(audio);
        _pipeline.Reset();
        var max = new float[_pipeline.HeadCount];
        int chunks = 0;
        for (int pos = 0; pos < audio.Length; pos += 999)
        {
            chunks += _pipeline.Process(audio.AsSpan(pos, Math.Min(999, audio.Length - pos)), max);
        }
        Assert.That(chunks, Is.EqualTo(audio.Length / 1280));
        Assert.That(max, Is.EqualTo(whole));
        Assert.That(whole[0], Is.GreaterThan(0.5f));
    }

    [Test]
    public void ProcessChunk_SteadyState_AllocatesNothing()
    {
        short[] audio = WavFile.ReadMono16k(_clips.First(c => c.Kind == SpeechClipKind.Speech).Path);
        _pipeline.Reset();
        for (int k = 0; k < 3; k++)
        {
            _pipeline.ProcessChunk(audio.AsSpan(k * 1280, 1280));
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 3; k < 20; k++)
        {
            _pipeline.ProcessChunk(audio.AsSpan(k * 1280, 1280));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, "bytes allocated by 17 chunks (pipeline + test ORT binding)");
    }

    [Test]
    public void HeadWindows_ComeFromTheModels()
    {
        Assert.That(Enumerable.Range(0, _pipeline.HeadCount).Select(_pipeline.HeadWindow), Is.All.EqualTo(16));
        using var timer = SpeechSessions.Open(_models.Set.WakeWordHeads["timer"]);
        using var weather = SpeechSessions.Open(_models.Set.WakeWordHeads["weather"]);
        using var p = new WakeWordPipeline(_models.Mel, _models.Embedding, [new("timer", timer), new("weather", weather)]);
        Assert.That((p.HeadWindow(0), p.HeadWindow(1)), Is.EqualTo((34, 22)));
        Assert.That(p.HeadOutputs(0).Length, Is.EqualTo(7));

        // "what is the weather today": the weather head fires; timer's background class 0 is excluded from its score.
        SpeechClip weatherClip = _clips.First(c => c.Text == "what is the weather today");
        float[] max = p.ScoreClip(WavFile.ReadMono16k(weatherClip.Path));
        Assert.That(max[1], Is.GreaterThan(0.5f));
        Assert.That(max[0], Is.LessThan(0.1f));
        Assert.That(p.HeadOutputs(0)[0], Is.GreaterThan(0.9f), "timer background class");
    }
}
