namespace TrtSharp.Tools.Models;

/// <summary>Paths of the installed default speech models (all absolute).</summary>
/// <param name="Directory">The package folder.</param>
/// <param name="Melspectrogram"><c>melspectrogram.onnx</c>: audio (int16 scale) → 32-bin log-mel frames.</param>
/// <param name="Embedding"><c>embedding_model.onnx</c>: [N, 76, 32, 1] mel windows → [N, 1, 1, 96] embeddings.</param>
/// <param name="Vad"><c>silero_vad.onnx</c>: voice activity detection.</param>
/// <param name="WakeWordHeads">Wake-word heads by name (hey_jarvis, alexa, hey_mycroft, hey_rhasspy, timer, weather).</param>
public sealed record SpeechModelSet(
    string Directory,
    string Melspectrogram,
    string Embedding,
    string Vad,
    IReadOnlyDictionary<string, string> WakeWordHeads)
{
    /// <summary>The "hey jarvis" head.</summary>
    public string HeyJarvis => WakeWordHeads["hey_jarvis"];

    /// <summary>The "alexa" head.</summary>
    public string Alexa => WakeWordHeads["alexa"];

    /// <summary>The "hey mycroft" head.</summary>
    public string HeyMycroft => WakeWordHeads["hey_mycroft"];

    /// <summary>The "hey rhasspy" head.</summary>
    public string HeyRhasspy => WakeWordHeads["hey_rhasspy"];

    /// <summary>Every model file of the set.</summary>
    public IEnumerable<string> AllFiles => new[] { Melspectrogram, Embedding, Vad }.Concat(WakeWordHeads.Values);
}
