#!/usr/bin/python3
"""Reference values for TrtSharp's calibration tests, computed independently of the C# code.

Run once with Debian's /usr/bin/python3 (NumPy); it rewrites reference_ranges.json and reference_binning.json here.
Each range algorithm below is a slow, literal port of the published definition in NVIDIA pytorch-quantization
(tools/pytorch-quantization/pytorch_quantization/calib/histogram.py in github.com/NVIDIA/TensorRT): the same loops,
digitize/linspace/searchsorted calls and normalisations, with SciPy's entropy() spelled out (SciPy is not installed).
"""
import json
import os

import numpy as np

NUM_BINS = 2048
HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- binning (the formula TrtSharp states)
def formula_counts(values, amax, bins=NUM_BINS):
    """min(floor(|x| * s), bins-1), s = bins/amax in float32, product in float32."""
    a = np.abs(values.astype(np.float32))
    if amax == 0:
        c = np.zeros(bins, dtype=np.int64)
        c[0] = a.size
        return c
    s = np.float32(bins) / np.float32(amax)
    idx = np.minimum(np.floor(a * s), bins - 1).astype(np.int64)
    return np.bincount(idx, minlength=bins).astype(np.int64)


# ---------------------------------------------------------------- range algorithms, literal
def edges_of(rng, bins=NUM_BINS):
    return np.linspace(0, float(rng), bins + 1)


def kl_like_scipy(pk, qk):
    """scipy.stats.entropy(pk, qk): normalise both to sum 1, sum rel_entr."""
    pk = 1.0 * pk / np.sum(pk)
    qk = 1.0 * qk / np.sum(qk)
    total = 0.0
    for x, y in zip(pk, qk):
        if x > 0 and y > 0:
            total += x * np.log(x / y)
        elif x == 0 and y >= 0:
            total += 0.0
        else:
            total += np.inf
    return total


def amax_entropy(counts, rng, num_bits=8, unsigned=False, stride=1, start_bin=128):
    if rng == 0:
        return 0.0
    edges = edges_of(rng, len(counts))
    bins = np.array(counts, dtype=np.int64).copy()
    bins[0] = bins[1]
    total_data = np.sum(bins)
    divergences = []
    nbins = 1 << (num_bits - 1 + int(unsigned))
    stop = len(bins)
    new_density_counts = np.zeros(nbins, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(start_bin, stop + 1, stride):
            new_density_counts.fill(0)
            space = np.linspace(0, i, num=nbins + 1)
            digitized_space = np.digitize(range(i), space) - 1
            digitized_space[bins[:i] == 0] = -1
            for idx, digitized in enumerate(digitized_space):
                if digitized != -1:
                    new_density_counts[digitized] += bins[idx]
            group_sizes = {}
            for key in digitized_space:
                group_sizes[key] = group_sizes.get(key, 0) + 1
            for key, val in group_sizes.items():
                if key != -1:
                    new_density_counts[key] = new_density_counts[key] / val
            new_density = np.zeros(i, dtype=np.float64)
            for idx, digitized in enumerate(digitized_space):
                if digitized != -1:
                    new_density[idx] = new_density_counts[digitized]
            reference_density = np.array(bins[: len(digitized_space)], dtype=np.float64)
            reference_density[-1] += np.sum(bins[i:])
            ent = kl_like_scipy(reference_density, new_density)
            # TrtSharp's documented deviation: a q that is all zero (0/0 = NaN in NumPy) is an infinite divergence.
            if np.isnan(ent):
                ent = np.inf
            divergences.append(ent)
    divergences = np.array(divergences)
    if np.all(np.isinf(divergences)):
        return float(edges[-1])
    last_argmin = len(divergences) - 1 - np.argmin(divergences[::-1])
    return float(edges[last_argmin * stride + start_bin])


def amax_percentile(counts, rng, percentile):
    if rng == 0:
        return 0.0
    calib_hist = np.array(counts, dtype=np.int64)
    edges = edges_of(rng, len(counts))
    total = calib_hist.sum()
    cdf = np.cumsum(calib_hist / total)
    idx = np.searchsorted(cdf, percentile / 100)
    return float(edges[idx])


def fake_tensor_quant(x, amax, num_bits=8):
    max_bound = 2.0 ** (num_bits - 1) - 1
    scale = max_bound / amax
    return np.clip(np.round(x * scale), -max_bound, max_bound) / scale


def amax_mse(counts, rng, num_bits=8, stride=1, start_bin=128):
    if rng == 0:
        return 0.0
    counts = np.array(counts, dtype=np.float64)
    edges = edges_of(rng, len(counts))
    centers = (edges[1:] + edges[:-1]) / 2
    mses = []
    arguments = []
    for i in range(start_bin, len(centers), stride):
        amax = centers[i]
        quant_centers = fake_tensor_quant(centers, amax, num_bits)
        mses.append(((quant_centers - centers) ** 2 * counts).mean())
        arguments.append(i)
    return float(centers[arguments[int(np.argmin(mses))]])


# ---------------------------------------------------------------- test histograms
def histograms():
    rng = np.random.default_rng(20261123)
    out = []

    def from_values(name, v):
        v = v.astype(np.float32)
        amax = np.float32(np.max(np.abs(v)))
        out.append((name, formula_counts(v, amax), float(amax), float(amax)))

    from_values("gaussian", rng.standard_normal(400_000))
    relu = rng.standard_normal(400_000)
    from_values("relu_spike_at_zero", np.maximum(relu, 0))
    from_values("laplace_heavy_tail", rng.laplace(0.0, 1.0, 400_000))
    from_values("student_t3", rng.standard_t(3, 200_000))
    bimodal = np.concatenate([rng.normal(-3.0, 0.4, 150_000), rng.normal(2.0, 0.3, 150_000)])
    from_values("bimodal", bimodal)
    zeros = np.zeros(NUM_BINS, dtype=np.int64)
    zeros[0] = 5000
    out.append(("all_zero", zeros, 0.0, 0.0))
    sparse = np.zeros(NUM_BINS, dtype=np.int64)
    for b, c in [(0, 900), (1, 40), (3, 17), (40, 5), (130, 2), (500, 9), (777, 1), (1500, 3), (2047, 1)]:
        sparse[b] = c
    out.append(("sparse", sparse, 5.0, 5.0))
    # Bins 17 apart: for every i above the last one each group holds at most one non-empty bin, so q = p and the
    # divergence is exactly 0 for many candidates: the tie rule (last minimiser) decides.
    spaced = np.zeros(NUM_BINS, dtype=np.int64)
    for k in range(1, 59):
        spaced[17 * k] = 1 + (k * 7) % 13
    out.append(("spaced_exact_ties", spaced, 2.5, 2.5))
    # Small ranges and a uniform shape stress the edge arithmetic.
    from_values("uniform_small", rng.uniform(-1e-3, 1e-3, 100_000))
    return out


def write_ranges():
    cases = []
    for name, counts, rng_, maxabs in histograms():
        case = {
            "name": name,
            "range": rng_,
            "maxAbs": maxabs,
            "counts": [int(c) for c in counts],
            "expected": {
                "max": maxabs,
                "entropy": amax_entropy(counts, rng_),
                "percentile99_99": amax_percentile(counts, rng_, 99.99),
                "percentile99_9": amax_percentile(counts, rng_, 99.9),
                "percentile50": amax_percentile(counts, rng_, 50.0),
                "mse": amax_mse(counts, rng_),
            },
        }
        print(name, case["expected"])
        cases.append(case)
    with open(os.path.join(HERE, "reference_ranges.json"), "w") as f:
        json.dump({"numBins": NUM_BINS, "cases": cases}, f, separators=(",", ":"))


# ---------------------------------------------------------------- deterministic data shared with the C# tests
def xorshift_values(seed, count, factor):
    """Irwin-Hall (sum of 4 uniforms − 2) × factor in float32, from xorshift32; the C# test generates the same bits."""
    x = seed
    u = np.empty(4 * count, dtype=np.uint32)
    for k in range(4 * count):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        u[k] = x >> 8
    f = u.astype(np.float32) * np.float32(2.0 ** -24)
    f = f.reshape(count, 4)
    v = ((f[:, 0] + f[:, 1]) + (f[:, 2] + f[:, 3])) - np.float32(2.0)
    return (v * np.float32(factor)).astype(np.float32)


BATCHES = [  # (seed, count, factor); factor 0 gives an all-zero batch
    (1, 1000, 0.0),
    (7, 30000, 0.5),
    (11, 300000, 1.0),
    (13, 20000, 0.25),
    (17, 5000, 3.0),
    (19, 77, 2.0),
]


def simulate_collector(batches):
    """TrtSharp's documented growth rule, literally: range grows by m = ceil(newMax/range); old bin j -> j // m."""
    counts = np.zeros(NUM_BINS, dtype=np.int64)
    rng_ = np.float32(0)
    snapshots = []
    for seed, count, factor in batches:
        v = xorshift_values(seed, count, factor) if factor != 0 else np.zeros(count, dtype=np.float32)
        bmax = np.float32(np.max(np.abs(v)))
        if bmax > rng_:
            if rng_ == 0:
                rng_ = bmax
            else:
                m = np.ceil(float(bmax) / float(rng_))
                new = np.float32(float(rng_) * m)
                while new < bmax:
                    m += 1
                    new = np.float32(float(rng_) * m)
                moved = np.zeros(NUM_BINS, dtype=np.int64)
                if m >= NUM_BINS:
                    moved[0] = counts.sum()
                else:
                    for j in range(NUM_BINS):
                        moved[j // int(m)] += counts[j]
                counts = moved
                rng_ = new
        counts = counts + formula_counts(v, rng_)
        snapshots.append({"range": float(rng_), "counts": [int(c) for c in counts]})
    return snapshots


def write_binning():
    single = xorshift_values(12345, 50000, 1.5)
    amax = np.float32(np.max(np.abs(single)))
    doc = {
        "single": {"seed": 12345, "count": 50000, "factor": 1.5, "range": float(amax),
                   "min": float(single.min()), "max": float(single.max()),
                   "counts": [int(c) for c in formula_counts(single, amax)]},
        "batches": [{"seed": s, "count": c, "factor": f} for s, c, f in BATCHES],
        "snapshots": simulate_collector(BATCHES),
    }
    with open(os.path.join(HERE, "reference_binning.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    write_binning()
    write_ranges()
