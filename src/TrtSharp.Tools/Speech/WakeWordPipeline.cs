using System.Numerics.Tensors;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.Tools.Speech;

/// <summary>
/// openWakeWord's streaming detector on any <see cref="IInferenceSession"/> backend: 16 kHz int16 audio in
/// 1280-sample chunks → mel frames (<see cref="MelFrameStream"/>) → one 96-value embedding of the newest
/// 76 frames per chunk → each head scores its newest W embeddings. The embedding history starts as the
/// embeddings of 4 s of seeded noise; the first 5 scores after a reset are reported as 0.
/// Steady state (<see cref="ProcessChunk"/>) allocates nothing. Sessions stay owned by the caller.
/// </summary>
/// <remarks>Thread safety: one thread at a time (streaming state); the sessions it runs may be shared (docs/thread-safety.md).</remarks>
internal sealed class WakeWordPipeline : IDisposable
{
    private const int WindowValues = WakeWordFraming.WindowFrames * WakeWordFraming.MelBins;
    private const int E = WakeWordFraming.EmbeddingSize;

    private readonly MelFrameStream _mel;
    private readonly IInferenceBinding _embedding;
    private readonly float[] _embeddingInput;
    private readonly string _embeddingOutput;
    private readonly HeadState[] _heads;
    private readonly float[] _prefill;
    private readonly float[] _scores;
    private readonly short[] _pending = new short[WakeWordFraming.ChunkSamples];
    private int _pendingCount;
    private long _chunksSinceReset;

    /// <summary>Binds the sessions and computes the noise pre-fill embeddings.</summary>
    /// <param name="melSession"><c>melspectrogram.onnx</c>.</param>
    /// <param name="embeddingSession"><c>embedding_model.onnx</c>.</param>
    /// <param name="heads">One or more wake-word heads.</param>
    /// <param name="noiseSeed">Seed of the pre-fill noise.</param>
    /// <exception cref="TensorShapeException">A model's inputs or outputs do not have the expected type or size.</exception>
    public WakeWordPipeline(IInferenceSession melSession, IInferenceSession embeddingSession, IReadOnlyList<WakeWordHead> heads, int noiseSeed = WakeWordFraming.DefaultNoiseSeed)
    {
        ArgumentNullException.ThrowIfNull(heads);
        if (heads.Count == 0)
        {
            throw new ArgumentException("at least one wake-word head is needed", nameof(heads));
        }
        var disposables = new List<IDisposable>();
        try
        {
            _mel = new MelFrameStream(melSession);
            disposables.Add(_mel);
            TensorDescriptor embIn = SessionChecks.SingleFloatInput(embeddingSession, "embedding");
            _embeddingOutput = SessionChecks.FirstFloatOutput(embeddingSession, "embedding").Name;
            _embedding = embeddingSession.CreateBinding(new Dictionary<string, long[]>
            {
                [embIn.Name] = [1, WakeWordFraming.WindowFrames, WakeWordFraming.MelBins, 1],
            });
            disposables.Add(_embedding);
            _embeddingInput = SessionChecks.FloatBuffer(_embedding.Input(embIn.Name), embIn.Name, WindowValues, "embedding").Data;

            _heads = new HeadState[heads.Count];
            for (int h = 0; h < heads.Count; h++)
            {
                _heads[h] = HeadState.Create(heads[h]);
                disposables.Add(_heads[h].Binding);
            }
            _scores = new float[heads.Count];
            _prefill = ComputeNoiseEmbeddings(melSession, noiseSeed);
            int longest = _heads.Max(h => h.Window);
            if (longest * E > _prefill.Length)
            {
                throw new TensorShapeException(heads[0].Session.Inputs[0].Name, $"a head scores {longest} embeddings, more than the {_prefill.Length / E} pre-fill embeddings");
            }
            Reset();
        }
        catch
        {
            foreach (IDisposable d in disposables)
            {
                d.Dispose();
            }
            throw;
        }
    }

    /// <summary>Number of heads.</summary>
    public int HeadCount => _heads.Length;

    /// <summary>Name of head <paramref name="head"/>.</summary>
    public string HeadName(int head) => _heads[head].Name;

    /// <summary>How many embeddings head <paramref name="head"/> scores (16 for most, 34 for timer, 22 for weather).</summary>
    public int HeadWindow(int head) => _heads[head].Window;

    /// <summary>
    /// The latest score of each head (0 during the first 5 chunks after a reset). A head with one output reports
    /// it; a multi-class head (timer: 7 outputs) reports the highest non-background class, because output 0 is
    /// the background class (measured: it stays at 1.0 on silence, noise and speech alike).
    /// </summary>
    public ReadOnlySpan<float> Scores => _scores;

    /// <summary>All outputs of head <paramref name="head"/> from the latest chunk (one value for single-word heads).</summary>
    public ReadOnlySpan<float> HeadOutputs(int head) => _heads[head].LastOutputs;

    /// <summary>Chunks processed since the last reset.</summary>
    public long ChunksSinceReset => _chunksSinceReset;

    /// <summary>The newest 96-value embedding.</summary>
    public ReadOnlySpan<float> LatestEmbedding => _heads[0].Input.AsSpan((_heads[0].Window - 1) * E, E);

    /// <summary>Returns to the start-up state: silence context, mel frames of 1.0, noise embeddings, no pending samples.</summary>
    public void Reset()
    {
        _mel.Reset();
        foreach (HeadState head in _heads)
        {
            // Each head's window starts as the newest W pre-fill embeddings.
            _prefill.AsSpan(_prefill.Length - (head.Window * E)).CopyTo(head.Input);
            Array.Clear(head.LastOutputs);
        }
        Array.Clear(_scores);
        _pendingCount = 0;
        _chunksSinceReset = 0;
    }

    /// <summary>Processes one chunk of exactly 1280 samples and updates <see cref="Scores"/>. Allocates nothing.</summary>
    public void ProcessChunk(ReadOnlySpan<short> chunk)
    {
        _mel.Push(chunk);
        _mel.Window.CopyTo(_embeddingInput);
        _embedding.Run();
        var embedding = (HostTensor<float>)_embedding.Output(_embeddingOutput);
        ReadOnlySpan<float> newest = embedding.Data.AsSpan(0, E);
        _chunksSinceReset++;
        bool report = _chunksSinceReset > WakeWordFraming.IgnoredScoresAfterReset;
        for (int h = 0; h < _heads.Length; h++)
        {
            HeadState head = _heads[h];
            Span<float> input = head.Input;
            input[E..].CopyTo(input);
            newest.CopyTo(input[^E..]);
            head.Binding.Run();
            var output = (HostTensor<float>)head.Binding.Output(head.OutputName);
            output.Data.AsSpan(0, head.LastOutputs.Length).CopyTo(head.LastOutputs);
            _scores[h] = report ? head.Score() : 0f;
        }
    }

    /// <summary>
    /// Feeds any number of samples: whole chunks are processed, a remainder waits for the next call.
    /// <paramref name="maxScores"/> (one per head) is raised to every score seen. Returns the chunks processed.
    /// </summary>
    public int Process(ReadOnlySpan<short> samples, Span<float> maxScores)
    {
        if (maxScores.Length < _heads.Length)
        {
            throw new ArgumentException($"{_heads.Length} heads need {_heads.Length} max-score slots, got {maxScores.Length}", nameof(maxScores));
        }
        int chunks = 0;
        while (!samples.IsEmpty)
        {
            ReadOnlySpan<short> chunk;
            if (_pendingCount == 0 && samples.Length >= WakeWordFraming.ChunkSamples)
            {
                chunk = samples[..WakeWordFraming.ChunkSamples];
                samples = samples[WakeWordFraming.ChunkSamples..];
            }
            else
            {
                int take = Math.Min(WakeWordFraming.ChunkSamples - _pendingCount, samples.Length);
                samples[..take].CopyTo(_pending.AsSpan(_pendingCount));
                _pendingCount += take;
                samples = samples[take..];
                if (_pendingCount < WakeWordFraming.ChunkSamples)
                {
                    break;
                }
                _pendingCount = 0;
                chunk = _pending;
            }
            ProcessChunk(chunk);
            chunks++;
            for (int h = 0; h < _heads.Length; h++)
            {
                maxScores[h] = Math.Max(maxScores[h], _scores[h]);
            }
        }
        return chunks;
    }

    /// <summary>Resets, runs a whole clip and returns each head's highest score (a trailing partial chunk is ignored).</summary>
    public float[] ScoreClip(ReadOnlySpan<short> audio)
    {
        Reset();
        var max = new float[_heads.Length];
        Process(audio, max);
        _pendingCount = 0;
        return max;
    }

    /// <summary>Releases the bindings (not the sessions).</summary>
    public void Dispose()
    {
        _mel.Dispose();
        _embedding.Dispose();
        foreach (HeadState head in _heads)
        {
            head.Binding.Dispose();
        }
    }

    private float[] ComputeNoiseEmbeddings(IInferenceSession melSession, int seed)
    {
        // openWakeWord fills its feature buffer with embeddings of 4 s of uniform int16 noise in ±1000,
        // computed offline: one mel call over the whole noise, then 76-frame windows every 8 frames.
        var random = new Random(seed);
        var noise = new float[WakeWordFraming.NoisePrefillSamples];
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] = random.Next(-WakeWordFraming.NoiseAmplitude, WakeWordFraming.NoiseAmplitude);
        }
        string melIn = melSession.Inputs[0].Name;
        string melOut = melSession.Outputs[0].Name;
        IReadOnlyDictionary<string, HostTensor> outputs = melSession.Run(
            new Dictionary<string, HostTensor> { [melIn] = new HostTensor<float>([1, noise.Length], noise) }, [melOut]);
        int frames = WakeWordFraming.MelFrameCount(noise.Length);
        var mel = SessionChecks.FloatBuffer(outputs[melOut], melOut, frames * WakeWordFraming.MelBins, "melspectrogram").Data;
        WakeWordFraming.TransformMel(mel);
        int windows = ((frames - WakeWordFraming.WindowFrames) / WakeWordFraming.FramesPerChunk) + 1;
        var result = new float[windows * E];
        for (int w = 0; w < windows; w++)
        {
            mel.AsSpan(w * WakeWordFraming.FramesPerChunk * WakeWordFraming.MelBins, WindowValues).CopyTo(_embeddingInput);
            _embedding.Run();
            var embedding = SessionChecks.FloatBuffer(_embedding.Output(_embeddingOutput), _embeddingOutput, E, "embedding");
            embedding.Data.AsSpan(0, E).CopyTo(result.AsSpan(w * E, E));
        }
        return result;
    }

    private sealed class HeadState
    {
        private HeadState(string name, IInferenceBinding binding, float[] input, string outputName, int window, int outputs)
        {
            Name = name;
            Binding = binding;
            Input = input;
            OutputName = outputName;
            Window = window;
            LastOutputs = new float[outputs];
        }

        public string Name { get; }
        public IInferenceBinding Binding { get; }
        public float[] Input { get; }
        public string OutputName { get; }
        public int Window { get; }
        public float[] LastOutputs { get; }

        public float Score() => LastOutputs.Length == 1 ? LastOutputs[0] : TensorPrimitives.Max(LastOutputs.AsSpan(1));

        public static HeadState Create(WakeWordHead head)
        {
            ArgumentNullException.ThrowIfNull(head);
            string role = $"wake-word head '{head.Name}'";
            TensorDescriptor input = SessionChecks.SingleFloatInput(head.Session, role);
            string output = SessionChecks.FirstFloatOutput(head.Session, role).Name;
            if (input.Shape.Length != 3 || (input.Shape[2] >= 0 && input.Shape[2] != E))
            {
                throw new TensorShapeException(input.Name, $"the {role} takes {input}, expected [1, W, {E}] embeddings");
            }
            int window = input.Shape[1] > 0 ? (int)input.Shape[1] : WakeWordFraming.DefaultHeadWindow;
            IInferenceBinding binding = head.Session.CreateBinding(new Dictionary<string, long[]> { [input.Name] = [1, window, E] });
            try
            {
                float[] data = SessionChecks.FloatBuffer(binding.Input(input.Name), input.Name, window * E, role).Data;
                binding.Run();
                HostTensor scores = binding.Output(output);
                if (scores is not HostTensor<float> || scores.ElementCount < 1)
                {
                    throw new TensorShapeException(output, $"the {role} produces {scores}, expected float scores");
                }
                return new HeadState(head.Name, binding, data, output, window, (int)scores.ElementCount);
            }
            catch
            {
                binding.Dispose();
                throw;
            }
        }
    }
}
