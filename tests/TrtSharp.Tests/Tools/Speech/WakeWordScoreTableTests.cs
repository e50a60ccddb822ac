using TrtSharp.Tools.Speech;

namespace TrtSharp.Tests.Tools.Speech;

public class WakeWordScoreTableTests
{
    private static SpeechClip Clip(string name, string? wake) =>
        new($"/data/{name}", "", "", null, null, wake is null ? SpeechClipKind.Noise : SpeechClipKind.Wake, wake, true, 16000);

    [Test]
    public void WritesOneRowPerClipAndHeadWithEachRunsScore()
    {
        var dir = Directory.CreateTempSubdirectory("trtsharp-scores");
        try
        {
            var clips = new[] { Clip("a.wav", "alexa"), Clip("n.wav", null) };
            IReadOnlyList<ClipScores> fp32 = [new(clips[0], [0.9f, 0.01f]), new(clips[1], [0.71f, 0f])];
            IReadOnlyList<ClipScores> int8 = [new(clips[0], [0.875f, 0.02f]), new(clips[1], [0.34f, 0.5f])];
            var path = Path.Combine(dir.FullName, "scores.csv");

            WakeWordScoreTable.Write(path, ["alexa", "hey_jarvis"], [("fp32", fp32), ("int8", int8)]);

            Assert.That(File.ReadAllLines(path), Is.EqualTo(new[]
            {
                "clip,kind,wake_word,head,fp32,int8",
                "a.wav,wake,alexa,alexa,0.9,0.875",
                "a.wav,wake,alexa,hey_jarvis,0.01,0.02",
                "n.wav,noise,,alexa,0.71,0.34",
                "n.wav,noise,,hey_jarvis,0,0.5",
            }));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Test]
    public void RunsOverDifferentClipsAreRefused()
    {
        IReadOnlyList<ClipScores> a = [new(Clip("a.wav", null), [0.1f])];
        IReadOnlyList<ClipScores> b = [new(Clip("b.wav", null), [0.1f])];
        var path = Path.Combine(Path.GetTempPath(), $"trtsharp-never-{Guid.NewGuid():N}.csv");

        var error = Assert.Throws<ArgumentException>(() => WakeWordScoreTable.Write(path, ["alexa"], [("x", a), ("y", b)]));

        Assert.That(error!.Message, Does.Contain("'y'"));
        Assert.That(File.Exists(path), Is.False);
    }
}
