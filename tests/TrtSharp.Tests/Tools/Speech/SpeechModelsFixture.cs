using TrtSharp.OnnxRuntime;
using TrtSharp.Tests.Tools.Models;
using TrtSharp.Tools.Models;
using TrtSharp.Tools.Speech;

namespace TrtSharp.Tests.Tools.Speech;

/// <summary>The default models opened once (through the test ORT helper) for the speech tests.</summary>
internal sealed class SpeechModelsFixture : IDisposable
{
    private SpeechModelsFixture(SpeechModelSet set)
    {
        Set = set;
        Mel = SpeechSessions.Open(set.Melspectrogram);
        Embedding = SpeechSessions.Open(set.Embedding);
        Heads = ["hey_jarvis", "alexa", "hey_mycroft", "hey_rhasspy"];
        HeadSessions = Heads.Select(h => SpeechSessions.Open(set.WakeWordHeads[h])).ToArray();
    }

    public SpeechModelSet Set { get; }
    public OnnxRuntimeSession Mel { get; }
    public OnnxRuntimeSession Embedding { get; }
    public string[] Heads { get; }
    public OnnxRuntimeSession[] HeadSessions { get; }

    public static SpeechModelsFixture Open() => new(InstalledSpeechModels.Require());

    public WakeWordPipeline CreatePipeline() =>
        new(Mel, Embedding, Heads.Select((h, i) => new WakeWordHead(h, HeadSessions[i])).ToArray());

    public static IReadOnlyList<SpeechClip> Clips() =>
        SpeechClipManifest.Read(Path.Combine(InstalledSpeechModels.CalibrationDataDirectory(), "manifest.csv"));

    public void Dispose()
    {
        Mel.Dispose();
        Embedding.Dispose();
        foreach (OnnxRuntimeSession s in HeadSessions)
        {
            s.Dispose();
        }
    }
}
