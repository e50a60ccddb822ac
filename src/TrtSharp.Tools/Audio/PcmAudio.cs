namespace TrtSharp.Tools.Audio;

/// <summary>
/// 16-bit PCM audio in memory: sample rate, channel count and the samples, interleaved by channel
/// (left, right, left, … for stereo).
/// </summary>
public sealed class PcmAudio
{
    /// <summary>Wraps <paramref name="samples"/> (not copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not positive, the channel count is not 1 or 2,
    /// or the sample count is not a multiple of the channel count.</exception>
    public PcmAudio(int sampleRate, int channels, short[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sampleRate, 0);
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "only mono and stereo are supported");
        }
        if (samples.Length % channels != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples.Length, $"sample count must be a multiple of the channel count {channels}");
        }
        SampleRate = sampleRate;
        Channels = channels;
        Samples = samples;
    }

    /// <summary>Samples per second, per channel.</summary>
    public int SampleRate { get; }

    /// <summary>1 (mono) or 2 (stereo).</summary>
    public int Channels { get; }

    /// <summary>The samples, interleaved by channel.</summary>
    public short[] Samples { get; }

    /// <summary>Number of sample frames (samples per channel).</summary>
    public int FrameCount => Samples.Length / Channels;

    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => (double)FrameCount / SampleRate;

    /// <summary>
    /// The audio as one channel: the samples themselves when mono, otherwise the rounded mean of
    /// left and right (a new array).
    /// </summary>
    public short[] ToMono()
    {
        if (Channels == 1)
        {
            return Samples;
        }
        var mono = new short[FrameCount];
        for (int i = 0; i < mono.Length; i++)
        {
            // The sum of two int16 fits an int; halving it stays inside int16.
            mono[i] = (short)((Samples[2 * i] + Samples[(2 * i) + 1]) / 2);
        }
        return mono;
    }
}
