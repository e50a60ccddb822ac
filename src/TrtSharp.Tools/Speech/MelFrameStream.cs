using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.Tools.Speech;

/// <summary>
/// Streams 1280-sample chunks through <c>melspectrogram.onnx</c> the way openWakeWord does and keeps the
/// newest 76 mel frames: each call sees the previous 480 samples plus the new 1280 (→ 8 frames), every
/// value is rescaled to v/10 + 2, and the frame buffer starts as 76 frames of 1.0.
/// Allocates nothing per chunk.
/// </summary>
/// <remarks>Thread safety: one thread at a time (streaming state; docs/thread-safety.md).</remarks>
internal sealed class MelFrameStream : IDisposable
{
    private const int FrameValues = WakeWordFraming.WindowFrames * WakeWordFraming.MelBins;
    private const int ChunkValues = WakeWordFraming.FramesPerChunk * WakeWordFraming.MelBins;

    private readonly IInferenceBinding _binding;
    private readonly string _outputName;
    private readonly float[] _input;
    private readonly float[] _frames = new float[FrameValues];

    /// <summary>Binds <paramref name="melSession"/> for [1, 1760]-sample calls; the caller keeps owning the session.</summary>
    /// <exception cref="Errors.TensorShapeException">The model is not a float audio → mel model with 8 frames × 32 bins per call.</exception>
    public MelFrameStream(IInferenceSession melSession)
    {
        TensorDescriptor input = SessionChecks.SingleFloatInput(melSession, "melspectrogram");
        if (input.Shape.Length != 2)
        {
            throw new Errors.TensorShapeException(input.Name, $"the melspectrogram model takes {input}, expected [batch, samples] audio");
        }
        _outputName = SessionChecks.FirstFloatOutput(melSession, "melspectrogram").Name;
        _binding = melSession.CreateBinding(new Dictionary<string, long[]> { [input.Name] = [1, WakeWordFraming.MelInputSamples] });
        try
        {
            _input = SessionChecks.FloatBuffer(_binding.Input(input.Name), input.Name, WakeWordFraming.MelInputSamples, "melspectrogram").Data;
            Reset();
            // One call up front checks the frame count (8 × 32 values) before any real audio arrives.
            _binding.Run();
            SessionChecks.FloatBuffer(_binding.Output(_outputName), _outputName, ChunkValues, "melspectrogram");
        }
        catch
        {
            _binding.Dispose();
            throw;
        }
    }

    /// <summary>The newest 76 frames × 32 bins, oldest first (the embedding model's [76, 32, 1] window).</summary>
    public ReadOnlySpan<float> Window => _frames;

    /// <summary>Forgets all audio: zero context samples and 76 frames of 1.0.</summary>
    public void Reset()
    {
        Array.Clear(_input);
        Array.Fill(_frames, 1f);
    }

    /// <summary>Adds one chunk of exactly 1280 int16 samples and updates <see cref="Window"/>.</summary>
    public void Push(ReadOnlySpan<short> chunk)
    {
        if (chunk.Length != WakeWordFraming.ChunkSamples)
        {
            throw new ArgumentException($"a chunk has {WakeWordFraming.ChunkSamples} samples, got {chunk.Length}", nameof(chunk));
        }
        // The last 480 samples of the previous call become this call's context.
        _input.AsSpan(WakeWordFraming.ChunkSamples, WakeWordFraming.MelContextSamples).CopyTo(_input);
        WakeWordFraming.ToFloat(chunk, _input.AsSpan(WakeWordFraming.MelContextSamples));
        _binding.Run();
        var output = (HostTensor<float>)_binding.Output(_outputName);
        Span<float> frames = _frames;
        frames[ChunkValues..].CopyTo(frames);
        Span<float> newest = frames[(FrameValues - ChunkValues)..];
        output.Data.AsSpan(0, ChunkValues).CopyTo(newest);
        WakeWordFraming.TransformMel(newest);
    }

    /// <summary>Releases the binding (not the session).</summary>
    public void Dispose() => _binding.Dispose();
}
