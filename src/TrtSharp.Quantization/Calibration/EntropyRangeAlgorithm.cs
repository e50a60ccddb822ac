using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// Entropy (KL-divergence) calibration, TensorRT's <c>EntropyCalibration2</c> as NVIDIA pytorch-quantization defines it in
/// <c>_compute_amax_entropy</c> (tools/pytorch-quantization/pytorch_quantization/calib/histogram.py, github.com/NVIDIA/TensorRT).
/// </summary>
/// <remarks>
/// <para>The published definition, for a histogram <c>b</c> of n bins and L = 128 quantized levels:</para>
/// <list type="number">
/// <item>Bin 0 is replaced by bin 1 (<c>bins[0] = bins[1]</c>): the spike of exact zeros does not drive the choice.</item>
/// <item>For every candidate i = 128, 129, …, n (stride 1): the reference p = the first i bins, with the outliers
/// (the sum of bins i…n−1) added to bin i−1.</item>
/// <item>The candidate q: bin j &lt; i belongs to group <c>floor(j·L/i)</c> (NumPy <c>digitize</c> on <c>linspace(0, i, L+1)</c>);
/// each group's total is spread evenly over that group's non-empty bins; empty bins stay 0. Outliers are not in q.</item>
/// <item>D(i) = KL(p‖q) after normalising both to sum 1 (SciPy <c>entropy</c>): Σ over p_j &gt; 0 of p_j·ln(p_j/q_j);
/// +∞ where p_j &gt; 0 = q_j (bin i−1 empty but outliers present).</item>
/// <item>The chosen i is the <b>last</b> minimiser (the code reverses the list before <c>argmin</c>);
/// amax = edge i = <c>i · range / n</c>.</item>
/// </list>
/// <para>Deviations, only where the published code has no meaningful answer: a candidate whose q is all zero
/// (NumPy gives NaN from 0/0) counts as +∞; a histogram whose counts are all in bin 0 (every p is 0/0) gives the full
/// range, which is where NumPy's argmin over all-NaN lands; candidates within 1e-12 of the minimum count as ties, so
/// summation-order noise (~1e-15) cannot change the pick.</para>
/// <para>Speed: with prefix sums of counts, of non-empty-bin counts and of b·ln b, each candidate costs O(L):
/// D = (A − B)/P + ln(Q/P) with A = Σ p ln p, B = Σ_g G_g ln(G_g/n_g) + outliers·ln q_{i−1}, P = total, Q = total − outliers;
/// the L logarithms per candidate run four at a time through <see cref="Vector256.Log(Vector256{double})"/>, fused with the
/// group sums (a shift instead of a division finds the group boundaries when L is a power of two).</para>
/// </remarks>
public sealed class EntropyRangeAlgorithm : IRangeAlgorithm
{
    private const double TieTolerance = 1e-12;

    /// <summary>Creates the algorithm with pytorch-quantization's parameters (defaults: start bin 128, stride 1, 128 levels for 8 bits).</summary>
    public EntropyRangeAlgorithm(int startBin = 128, int stride = 1, int quantizedLevels = 128)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantizedLevels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(startBin, quantizedLevels);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        StartBin = startBin;
        Stride = stride;
        QuantizedLevels = quantizedLevels;
    }

    /// <summary>First candidate threshold bin.</summary>
    public int StartBin { get; }

    /// <summary>Step between candidates.</summary>
    public int Stride { get; }

    /// <summary>Quantized levels on one side of zero (128 for signed 8-bit).</summary>
    public int QuantizedLevels { get; }

    /// <inheritdoc/>
    public CalibrationMethod Method => CalibrationMethod.Entropy;

    /// <summary>Forces the array-based kernel (tests compare it with the Vector256 one).</summary>
    internal bool UseGenericKernel { get; init; }

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
        if (n < StartBin)
        {
            throw new ArgumentException($"the histogram has {n} bins, fewer than the start bin {StartBin}", nameof(histogram));
        }
        int best = BestCandidate(histogram.Counts);
        return histogram.Edge(best);
    }

    /// <summary>The chosen candidate bin i (amax = edge i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe int BestCandidate(ReadOnlySpan<long> counts)
    {
        int n = counts.Length;
        int levels = QuantizedLevels;
        long[] b = counts.ToArray();
        if (n > 1)
        {
            b[0] = b[1];
        }

        // Prefix sums: C = counts, NZ = non-empty bins, PLP = Σ b ln b.
        var c = new long[n + 1];
        var nz = new int[n + 1];
        var plp = new double[n + 1];
        for (int j = 0; j < n; j++)
        {
            long v = b[j];
            c[j + 1] = c[j] + v;
            nz[j + 1] = nz[j] + (v != 0 ? 1 : 0);
            plp[j + 1] = plp[j] + (v > 0 ? v * Math.Log(v) : 0.0);
        }
        long total = c[n];
        if (total == 0)
        {
            return n;
        }
        double p = total;

        int maxGroup = (n + levels - 1) / levels + 1;
        var lnCount = new double[maxGroup + 1];
        for (int k = 2; k <= maxGroup; k++)
        {
            lnCount[k] = Math.Log(k);
        }

        bool fast = !UseGenericKernel && BitOperations.IsPow2(levels) && levels % 4 == 0;
        int shift = BitOperations.Log2((uint)levels);
        var cd = new double[n + 1];
        for (int j = 0; j <= n; j++)
        {
            cd[j] = c[j];
        }
        int candidates = ((n - StartBin) / Stride) + 1;
        var divergence = new double[candidates];
        var groupTotal = new double[levels];
        var logInput = new double[levels];
        var logGroup = new double[levels];
        var lnNonEmpty = new double[levels];
        double minimum = double.PositiveInfinity;

        fixed (double* pc = cd, pln = lnCount)
        fixed (int* pnz = nz)
        {
            for (int k = 0; k < candidates; k++)
            {
                int i = StartBin + (k * Stride);
                long outliers = total - c[i];
                long lastBin = b[i - 1];
                if (lastBin == 0 && outliers > 0)
                {
                    divergence[k] = double.PositiveInfinity;
                    continue;
                }
                long q = c[i];
                double lastP = lastBin + outliers;
                // p ln p is 0 for an empty last bin without outliers (the limit, and SciPy's rel_entr convention).
                double a = plp[i - 1] + (lastP > 0 ? lastP * Math.Log(lastP) : 0.0);
                double lastLogQ;
                double bSum = fast
                    ? GroupTermsPow2(pc, pnz, pln, i, levels, shift, out lastLogQ)
                    : GroupTermsGeneric(c, nz, lnCount, i, levels, groupTotal, logInput, logGroup, lnNonEmpty, out lastLogQ);
                if (outliers > 0)
                {
                    bSum += outliers * lastLogQ;
                }
                double d = ((a - bSum) / p) + Math.Log(q / p);
                divergence[k] = d;
                if (d < minimum)
                {
                    minimum = d;
                }
            }
        }

        if (double.IsPositiveInfinity(minimum))
        {
            return n;
        }
        double limit = minimum + (TieTolerance * Math.Max(1.0, Math.Abs(minimum)));
        for (int k = candidates - 1; k >= 0; k--)
        {
            if (divergence[k] <= limit)
            {
                return StartBin + (k * Stride);
            }
        }
        return n;
    }
    /// <summary>
    /// Σ_g G_g·ln(G_g/n_g) over the L groups of candidate i, four groups per Vector256 (L a power of two, multiple of 4).
    /// Group g ends before bin ceil((g+1)·i/L) = ((g+1)·i + L − 1) &gt;&gt; log2 L. Empty groups give 0·(ln 1 − ln 1) = 0.
    /// <paramref name="lastLogQ"/> = ln(G/n) of the last group, the log of q at bin i−1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double GroupTermsPow2(double* c, int* nz, double* lnCount, int i, int levels, int shift, out double lastLogQ)
    {
        var acc = Vector256<double>.Zero;
        var one = Vector256.Create(1.0);
        var t = Vector256<double>.Zero;
        int numerator = levels - 1;
        double cLo = 0;
        int nzLo = 0;
        for (int g = 0; g < levels; g += 4)
        {
            int h0 = (numerator += i) >> shift;
            int h1 = (numerator += i) >> shift;
            int h2 = (numerator += i) >> shift;
            int h3 = (numerator += i) >> shift;
            double c0 = c[h0], c1 = c[h1], c2 = c[h2], c3 = c[h3];
            int n0 = nz[h0], n1 = nz[h1], n2 = nz[h2], n3 = nz[h3];
            var total = Vector256.Create(c0 - cLo, c1 - c0, c2 - c1, c3 - c2);
            var lnN = Vector256.Create(lnCount[n0 - nzLo], lnCount[n1 - n0], lnCount[n2 - n1], lnCount[n3 - n2]);
            t = Vector256.Log(Vector256.Max(total, one)) - lnN;
            acc += total * t;
            cLo = c3;
            nzLo = n3;
        }
        lastLogQ = t.GetElement(3);
        return Vector256.Sum(acc);
    }

    /// <summary>The same sum for any L, through arrays and <see cref="TensorPrimitives"/>.</summary>
    private static double GroupTermsGeneric(long[] c, int[] nz, double[] lnCount, int i, int levels,
        double[] groupTotal, double[] logInput, double[] logGroup, double[] lnNonEmpty, out double lastLogQ)
    {
        int lo = 0;
        for (int g = 0; g < levels; g++)
        {
            // Group g holds bins j with g·i ≤ L·j < (g+1)·i, i.e. j from ceil(g·i/L) to ceil((g+1)·i/L) − 1.
            int hi = (((g + 1) * i) + levels - 1) / levels;
            double gt = c[hi] - c[lo];
            groupTotal[g] = gt;
            logInput[g] = Math.Max(gt, 1.0);
            lnNonEmpty[g] = lnCount[nz[hi] - nz[lo]];
            lo = hi;
        }
        TensorPrimitives.Log(logInput, logGroup);
        lastLogQ = logGroup[levels - 1] - lnNonEmpty[levels - 1];
        return TensorPrimitives.Dot(groupTotal, logGroup) - TensorPrimitives.Dot(groupTotal, lnNonEmpty);
    }
}
