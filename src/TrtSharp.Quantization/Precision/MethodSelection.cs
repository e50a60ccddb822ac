using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>One way of choosing every tensor's range, and how the model quantized that way did on the selection data.</summary>
/// <param name="Method">The preferred method (collapse-guarded: a tensor whose range under it clips hard falls back).</param>
/// <param name="MinCosine">Lowest per-output cosine similarity to float32.</param>
/// <param name="MinSnrDb">Lowest per-output SNR (dB).</param>
/// <param name="FallBacks">Tensors that fell back to another method because this one clipped them hard.</param>
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
}

/// <summary>How the automatic method choice went: what was compared, on which data, and what won.</summary>
/// <param name="Data">The data the candidates were compared on.</param>
/// <param name="Candidates">Every candidate with its score.</param>
/// <param name="Chosen">The winner.</param>
/// <param name="Elapsed">Time the comparison took.</param>
public sealed record MethodSelection(string Data, IReadOnlyList<MethodCandidate> Candidates, CalibrationMethod Chosen, TimeSpan Elapsed);
