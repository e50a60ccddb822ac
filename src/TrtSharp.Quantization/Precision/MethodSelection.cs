using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>One way of choosing every tensor's range, and how the model quantized that way did on the selection data.</summary>
/// <param name="Method">The preferred method (collapse-guarded: a tensor whose range under it clips hard falls back); for
/// the <see cref="PerTensor"/> candidate, the method of the tensors that feed no weighted layer.</param>
/// <param name="MinCosine">Lowest per-output cosine similarity to float32.</param>
/// <param name="MinSnrDb">Lowest per-output SNR (dB).</param>
/// <param name="FallBacks">Tensors that fell back to another method because the one they were given clipped them hard.</param>
public sealed record MethodCandidate(CalibrationMethod Method, double MinCosine, double MinSnrDb, int FallBacks)
{
    /// <summary>
    /// Batches the candidate was judged on: all of them, or only the first when it was in the worse half there
    /// (successive halving; only candidates judged on every batch can win); 0 when every candidate gave the same
    /// model, so none was run (the scores are then NaN).
    /// </summary>
    public int Batches { get; init; }

    /// <summary>An earlier candidate whose quantized model is identical to this one (not run again; its score is that one's), or null.</summary>
    public CalibrationMethod? SameModelAs { get; init; }

    /// <summary>
    /// True for the per-tensor mix: each tensor read by a Conv, ConvTranspose, MatMul or Gemm with constant weights got
    /// the method whose range gave the least error at those layers' outputs (each tensor's reason says which and by how
    /// much); the other tensors got <see cref="Method"/>.
    /// </summary>
    public bool PerTensor { get; init; }

    /// <summary>The candidate's name: its method in lower case, or "per-tensor".</summary>
    public string Name => PerTensor ? "per-tensor" : Method.ToString().ToLowerInvariant();
}

/// <summary>How the automatic method choice went: what was compared, on which data, and what won.</summary>
/// <param name="Data">The data the candidates were compared on.</param>
/// <param name="Candidates">Every candidate with its score.</param>
/// <param name="Chosen">The winner (one of <paramref name="Candidates"/>).</param>
/// <param name="Elapsed">Time the comparison took.</param>
public sealed record MethodSelection(string Data, IReadOnlyList<MethodCandidate> Candidates, MethodCandidate Chosen, TimeSpan Elapsed);
