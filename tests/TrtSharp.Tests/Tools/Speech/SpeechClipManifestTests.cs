using TrtSharp.Errors;
using TrtSharp.Tests.Tools.Models;
using TrtSharp.Tools.Audio;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Tests.Tools.Speech;

public class SpeechClipManifestTests
{
    [Test]
    public void CommittedCalibrationSet_MatchesItsManifest()
    {
        IReadOnlyList<SpeechClip> clips = SpeechModelsFixture.Clips();
        Assert.That(clips, Has.Count.EqualTo(80));
        Assert.That(clips.Count(c => c.Kind == SpeechClipKind.Wake), Is.EqualTo(48));
        Assert.That(clips.Count(c => c.Kind == SpeechClipKind.Speech), Is.EqualTo(20));
        Assert.That(clips.Count(c => c.Kind == SpeechClipKind.Silence), Is.EqualTo(4));
        Assert.That(clips.Count(c => c.Kind == SpeechClipKind.Noise), Is.EqualTo(8));
        Assert.That(clips.Count(c => c.IsHoldout), Is.EqualTo(20));
        Assert.That(clips.Where(c => c.Kind == SpeechClipKind.Wake).GroupBy(c => c.WakeWord).Select(g => (g.Key, g.Count())),
            Is.EquivalentTo(new (string?, int)[] { ("hey_jarvis", 12), ("alexa", 12), ("hey_mycroft", 12), ("hey_rhasspy", 12) }));
        Assert.That(clips.Where(c => c.Kind != SpeechClipKind.Wake).Select(c => c.WakeWord), Is.All.Null);
        long bytes = 0;
        foreach (SpeechClip clip in clips)
        {
            PcmAudio audio = WavFile.Read(clip.Path);
            Assert.That((audio.SampleRate, audio.Channels, (long)audio.FrameCount), Is.EqualTo((16000, 1, clip.Samples)), clip.Path);
            bytes += new FileInfo(clip.Path).Length;
        }
        Assert.That(bytes, Is.LessThan(8_000_000), "the committed set stays a few MB");
    }

    [Test]
    public void Read_RefusesAForeignHeaderOrKind()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"trtsharp-manifest-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "manifest.csv");
            File.WriteAllText(path, "name,text\nx.wav,hi\n");
            Assert.That(Assert.Throws<ModelFormatException>(() => SpeechClipManifest.Read(path))!.Message, Does.Contain("first line"));
            File.WriteAllText(path, "file,text,voice,speed_wpm,pitch,kind,wake_word,split,samples\nwav/a.wav,\"hi, there\",en,160,50,shout,,calib,10\n");
            Assert.That(Assert.Throws<ModelFormatException>(() => SpeechClipManifest.Read(path))!.Message, Does.Contain("line 2: unknown kind 'shout'"));
            File.WriteAllText(path, "file,text,voice,speed_wpm,pitch,kind,wake_word,split,samples\nwav/a.wav,\"hi, \"\"there\"\"\",en,160,,speech,,holdout,10\n");
            SpeechClip clip = SpeechClipManifest.Read(path).Single();
            Assert.That((clip.Text, clip.Pitch, clip.IsHoldout, clip.Path), Is.EqualTo(("hi, \"there\"", (int?)null, true, Path.Combine(dir, "wav", "a.wav"))));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
