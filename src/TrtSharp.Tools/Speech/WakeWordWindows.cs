using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.Tools.Speech;

/// <summary>
/// Turns audio into the speech-embedding model's inputs, [N, 76, 32, 1], exactly as the streaming
/// pipeline would feed them: one window (the newest 76 mel frames) per 1280-sample chunk.
/// This is how calibration and validation see a WAV file.
/// </summary>
internal sealed class WakeWordWindows : IDisposable
{
    /// <summary>Values in one window (76 × 32).</summary>
    public const int WindowValues = WakeWordFraming.WindowFrames * WakeWordFraming.MelBins;

    /// <summary>
    /// Chunks after a reset whose window still holds start-up frames of 1.0: after 9 chunks only 72 of the
    /// 76 frames are real, after 10 all are.
    /// </summary>
    public const int WarmupChunks = (WakeWordFraming.WindowFrames + WakeWordFraming.FramesPerChunk - 1) / WakeWordFraming.FramesPerChunk - 1;

    private readonly MelFrameStream _mel;

    /// <summary>Uses <paramref name="melSession"/> (kept owned by the caller).</summary>
    public WakeWordWindows(IInferenceSession melSession)
    {
        _mel = new MelFrameStream(melSession);
    }

    /// <summary>
    /// Number of windows <see cref="Compute"/> returns for <paramref name="samples"/> samples: one per whole chunk,
    /// less the <see cref="WarmupChunks"/> first ones unless <paramref name="includeWarmup"/>.
    /// </summary>
    public static int CountWindows(long samples, bool includeWarmup = false)
    {
        long chunks = samples / WakeWordFraming.ChunkSamples;
        return (int)Math.Max(0, includeWarmup ? chunks : chunks - WarmupChunks);
    }

    /// <summary>
    /// The windows of one clip as a [N, 76, 32, 1] tensor, oldest first. A trailing partial chunk is dropped;
    /// the stream is reset first, so every clip starts like a fresh pipeline.
    /// </summary>
    /// <param name="audio">16 kHz mono int16 samples.</param>
    /// <param name="includeWarmup">Also return the first windows, which still contain start-up frames of 1.0.</param>
    public HostTensor<float> Compute(ReadOnlySpan<short> audio, bool includeWarmup = false)
    {
        int n = CountWindows(audio.Length, includeWarmup);
        var result = new HostTensor<float>(n, WakeWordFraming.WindowFrames, WakeWordFraming.MelBins, 1);
        int chunks = audio.Length / WakeWordFraming.ChunkSamples;
        int skip = chunks - n;
        _mel.Reset();
        for (int c = 0; c < chunks; c++)
        {
            _mel.Push(audio.Slice(c * WakeWordFraming.ChunkSamples, WakeWordFraming.ChunkSamples));
            if (c >= skip)
            {
                _mel.Window.CopyTo(result.Data.AsSpan((c - skip) * WindowValues, WindowValues));
            }
        }
        return result;
    }

    /// <summary>
    /// Streams the windows of one clip in batches of at most <paramref name="batchSize"/>; each batch is a new
    /// [n, 76, 32, 1] tensor. Only one batch is held at a time.
    /// </summary>
    public IEnumerable<HostTensor<float>> Batches(short[] audio, int batchSize, bool includeWarmup = false)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int total = CountWindows(audio.Length, includeWarmup);
        int chunks = audio.Length / WakeWordFraming.ChunkSamples;
        int skip = chunks - total;
        _mel.Reset();
        int chunk = 0;
        for (int start = 0; start < total; start += batchSize)
        {
            int n = Math.Min(batchSize, total - start);
            var batch = new HostTensor<float>(n, WakeWordFraming.WindowFrames, WakeWordFraming.MelBins, 1);
            int filled = 0;
            while (filled < n)
            {
                _mel.Push(audio.AsSpan(chunk * WakeWordFraming.ChunkSamples, WakeWordFraming.ChunkSamples));
                if (chunk++ >= skip)
                {
                    _mel.Window.CopyTo(batch.Data.AsSpan(filled++ * WindowValues, WindowValues));
                }
            }
            yield return batch;
        }
    }

    /// <summary>Releases the mel binding (not the session).</summary>
    public void Dispose() => _mel.Dispose();
}
