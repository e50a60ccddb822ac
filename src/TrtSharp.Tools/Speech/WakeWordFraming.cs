using System.Numerics.Tensors;

namespace TrtSharp.Tools.Speech;

/// <summary>
/// The constants of openWakeWord's streaming feature framing, which the default models were trained with.
/// Audio is 16 kHz mono at int16 scale (not divided by 32768).
/// </summary>
public static class WakeWordFraming
{
    /// <summary>Audio sample rate the models expect.</summary>
    public const int SampleRate = 16000;

    /// <summary>Samples per streaming chunk (80 ms): one embedding and one score per chunk.</summary>
    public const int ChunkSamples = 1280;

    /// <summary>Samples of the previous chunk prepended to each mel call, so a 1760-sample call yields 8 whole frames.</summary>
    public const int MelContextSamples = 480;

    /// <summary>Samples given to each streaming mel call (context + chunk).</summary>
    public const int MelInputSamples = MelContextSamples + ChunkSamples;

    /// <summary>STFT window of the mel model.</summary>
    public const int MelWindowSamples = 512;

    /// <summary>STFT hop of the mel model (10 ms).</summary>
    public const int MelHopSamples = 160;

    /// <summary>Mel bins per frame.</summary>
    public const int MelBins = 32;

    /// <summary>Mel frames each chunk adds (1280 / 160).</summary>
    public const int FramesPerChunk = ChunkSamples / MelHopSamples;

    /// <summary>Mel frames in one embedding-model input window.</summary>
    public const int WindowFrames = 76;

    /// <summary>Length of one embedding.</summary>
    public const int EmbeddingSize = 96;

    /// <summary>Embeddings a head scores when its model does not say (most heads: 16 = 1.28 s).</summary>
    public const int DefaultHeadWindow = 16;

    /// <summary>Scores reported as 0 after a reset, while the buffers still hold start-up content.</summary>
    public const int IgnoredScoresAfterReset = 5;

    /// <summary>Length of the random int16 noise whose embeddings pre-fill the embedding buffer (4 s).</summary>
    public const int NoisePrefillSamples = 4 * SampleRate;

    /// <summary>The pre-fill noise is uniform in [-NoiseAmplitude, NoiseAmplitude).</summary>
    public const int NoiseAmplitude = 1000;

    /// <summary>Seed of the pre-fill noise, fixed so scores are reproducible.</summary>
    public const int DefaultNoiseSeed = 20260101;

    /// <summary>Frames the mel model produces for <paramref name="samples"/> samples: ⌊(L − 512) / 160⌋ + 1, or 0 when L &lt; 512 (no padding).</summary>
    public static int MelFrameCount(long samples) =>
        samples < MelWindowSamples ? 0 : checked((int)(((samples - MelWindowSamples) / MelHopSamples) + 1));

    /// <summary>openWakeWord's rescaling of the mel model's dB output: v / 10 + 2, in place.</summary>
    public static void TransformMel(Span<float> values)
    {
        TensorPrimitives.Divide(values, 10f, values);
        TensorPrimitives.Add(values, 2f, values);
    }

    /// <summary>Converts int16 samples to float at int16 scale (no normalisation), as the mel model expects.</summary>
    public static void ToFloat(ReadOnlySpan<short> samples, Span<float> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, {samples.Length} needed", nameof(destination));
        }
        for (int i = 0; i < samples.Length; i++)
        {
            destination[i] = samples[i];
        }
    }
}
