using TrtSharp.Inference;

namespace TrtSharp.Tools.Speech;

/// <summary>A wake-word classifier head: its name (e.g. "hey_jarvis") and the session that runs it.</summary>
/// <param name="Name">Name reported with the score.</param>
/// <param name="Session">Session over the head model, input [1, W, 96] embeddings → output [1, K] scores.</param>
public sealed record WakeWordHead(string Name, IInferenceSession Session);
