using TrtSharp.OnnxRuntime;

namespace TrtSharp.Tests.Tools.Speech;

/// <summary>Opens the speech models the way a service would: one intra-op thread, no spinning (several sessions share two cores).</summary>
internal static class SpeechSessions
{
    public static OnnxRuntimeSession Open(string modelPath) =>
        OnnxRuntimeSession.FromFile(modelPath, new OnnxRuntimeOptions { IntraOpThreads = 1, InterOpThreads = 1, AllowSpinning = false });
}
