using TrtSharp.Audio;
using TrtSharp.Inference;
using TrtSharp.Speech;

namespace TrtSharp.Calibration.Datasets;

/// <summary>
/// WAV clips turned into the speech-embedding CNN's input: audio → melspectrogram model → 76-frame windows
/// ([N, 76, 32, 1]), with openWakeWord's streaming framing (one window per 80 ms chunk). Clips are read one at a time.
/// </summary>
public sealed class SpeechWindowDataset : ICalibrationDataset
{
    private readonly IReadOnlyList<SpeechClip> _clips;
    private readonly IInferenceSession _mel;
    private readonly string _inputName;
    private readonly int _batchSize;

    /// <summary>Creates the dataset.</summary>
    /// <param name="clips">The clips (e.g. one split of a manifest).</param>
    /// <param name="melSession">The melspectrogram model's session.</param>
    /// <param name="inputName">The embedding model's input name (e.g. "input_1").</param>
    /// <param name="batchSize">Windows per batch.</param>
    public SpeechWindowDataset(IReadOnlyList<SpeechClip> clips, IInferenceSession melSession, string inputName, int batchSize = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _clips = clips;
        _mel = melSession;
        _inputName = inputName;
        _batchSize = batchSize;
    }

    /// <inheritdoc/>
    public string Description => $"{_clips.Count} WAV clips as {WakeWordFraming.WindowFrames}-frame mel windows";

    /// <inheritdoc/>
    public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default)
    {
        using var windows = new WakeWordWindows(_mel);
        foreach (var clip in _clips)
        {
            cancellationToken.ThrowIfCancellationRequested();
            short[] audio = WavFile.ReadMono16k(clip.Path);
            foreach (var batch in windows.Batches(audio, _batchSize))
            {
                yield return new Dictionary<string, HostTensor>(StringComparer.Ordinal) { [_inputName] = batch };
            }
        }
    }
}
