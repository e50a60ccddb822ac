using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// MSE calibration, as NVIDIA pytorch-quantization's <c>_compute_amax_mse</c>
/// (tools/pytorch-quantization/pytorch_quantization/calib/histogram.py, github.com/NVIDIA/TensorRT):
/// for each candidate bin i = 128 … n−1 (stride 1), amax_i = the <b>centre</b> of bin i, <c>(i + ½)·range/n</c>;
/// every bin centre c_j is fake-quantized with <c>fake_tensor_quant</c> (8 bits, signed, narrow range):
/// <c>q = clamp(round(c·127/amax), −127, 127) · amax/127</c>, round half to even; the error is
/// <c>Σ_j count_j·(q_j − c_j)²</c> (the published code takes the mean over bins, which has the same argmin);
/// the first minimiser is chosen (NumPy <c>argmin</c>).
/// </summary>
/// <remarks>Computed in units of the bin width (c_j = j + ½), which scales every error by the same 1/width² and leaves the
/// argmin unchanged; Vector256 over the bins, double precision.</remarks>
internal sealed class MseRangeAlgorithm : IRangeAlgorithm
{
    /// <summary>Creates the algorithm (defaults: start bin 128, stride 1, 8 bits).</summary>
    public MseRangeAlgorithm(int startBin = 128, int stride = 1, int numBits = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startBin);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numBits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numBits, 16);
        StartBin = startBin;
        Stride = stride;
        NumBits = numBits;
    }

    /// <summary>First candidate bin.</summary>
    public int StartBin { get; }

    /// <summary>Step between candidates.</summary>
    public int Stride { get; }

    /// <summary>Quantization bits (signed, symmetric): the largest level is 2^(bits−1) − 1.</summary>
    public int NumBits { get; }

    /// <inheritdoc/>
    public CalibrationMethod Method => CalibrationMethod.Mse;

    /// <inheritdoc/>
    public float ComputeAmax(Histogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.EnsureNotEmpty();
        if (histogram.Range == 0f)
        {
            return 0f;
        }
        int n = histogram.BinCount;
        if (n <= StartBin)
        {
            throw new ArgumentException($"the histogram has {n} bins, not more than the start bin {StartBin}", nameof(histogram));
        }
        int best = BestCandidate(histogram.Counts);
        return (float)((best + 0.5) * histogram.BinWidth);
    }

    /// <summary>The chosen candidate bin i (amax = centre of bin i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int BestCandidate(ReadOnlySpan<long> counts)
    {
        int n = counts.Length;
        // Empty bins add exactly 0 to every candidate's error, so the sum stops after the last non-empty bin (the
        // range often grew to up to twice the largest value, leaving the top of the histogram empty).
        int used = counts.LastIndexOfAnyExcept(0L) + 1;
        int padded = (used + 3) & ~3;
        var centre = new double[padded];
        var weight = new double[padded];
        for (int j = 0; j < used; j++)
        {
            centre[j] = j + 0.5;
            weight[j] = counts[j];
        }
        // Padding lanes: weight 0, so they add nothing.
        double maxBound = (1 << (NumBits - 1)) - 1;
        int bestIndex = StartBin;
        double bestError = double.PositiveInfinity;
        for (int i = StartBin; i < n; i += Stride)
        {
            double amax = i + 0.5;
            double scale = maxBound / amax;
            double error = SquaredError(centre, weight, scale, maxBound);
            if (error < bestError)
            {
                bestError = error;
                bestIndex = i;
            }
        }
        return bestIndex;
    }

    // Inlined into the optimized search loop: as a method of its own it ran as unoptimized tier-0 code for the first
    // few thousand calls of every process (a CLI run), Vector256 calls included.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SquaredError(double[] centre, double[] weight, double scale, double maxBound)
    {
        double invScale = 1.0 / scale;
        var vs = Vector256.Create(scale);
        var vinv = Vector256.Create(invScale);
        var vmax = Vector256.Create(maxBound);
        var acc = Vector256<double>.Zero;
        ref double c0 = ref centre[0];
        ref double w0 = ref weight[0];
        for (int j = 0; j < centre.Length; j += 4)
        {
            var c = Vector256.LoadUnsafe(ref c0, (nuint)j);
            var w = Vector256.LoadUnsafe(ref w0, (nuint)j);
            // Centres are ≥ 0, so only the upper clamp can bind.
            var q = Vector256.Min(Vector256.Round(c * vs), vmax) * vinv;
            var d = q - c;
            acc += w * d * d;
        }
        return Vector256.Sum(acc);
    }
}
