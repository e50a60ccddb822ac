namespace TrtSharp.Tools.Speech;

/// <summary>What a calibration clip contains.</summary>
public enum SpeechClipKind
{
    /// <summary>A wake-word phrase.</summary>
    Wake,

    /// <summary>An ordinary sentence (no wake word).</summary>
    Speech,

    /// <summary>Digital silence.</summary>
    Silence,

    /// <summary>Faint synthetic noise.</summary>
    Noise,
}

/// <summary>One clip of a speech calibration set, as listed in its <c>manifest.csv</c>.</summary>
/// <param name="Path">Absolute path of the WAV file.</param>
/// <param name="Text">The words spoken (empty for silence and noise).</param>
/// <param name="Voice">espeak-ng voice, or empty.</param>
/// <param name="SpeedWpm">Speaking rate in words per minute, or null.</param>
/// <param name="Pitch">espeak-ng pitch (0–99), or null.</param>
/// <param name="Kind">What the clip contains.</param>
/// <param name="WakeWord">The head that should fire (e.g. "hey_jarvis"), or null.</param>
/// <param name="IsHoldout">True for the hold-out (validation) split, false for the calibration split.</param>
/// <param name="Samples">Length in 16 kHz samples.</param>
public sealed record SpeechClip(
    string Path,
    string Text,
    string Voice,
    int? SpeedWpm,
    int? Pitch,
    SpeechClipKind Kind,
    string? WakeWord,
    bool IsHoldout,
    long Samples);
