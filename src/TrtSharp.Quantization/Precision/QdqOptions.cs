using TrtSharp.Quantization.Calibration;

namespace TrtSharp.Quantization.Precision;

/// <summary>Options of <see cref="QdqInserter"/>.</summary>
public sealed record QdqOptions
{
    /// <summary>Placement profile; <see cref="QdqProfile.TensorRt"/> by default.</summary>
    public QdqProfile Profile { get; init; } = QdqProfile.TensorRt;

    /// <summary>
    /// Node names kept in float: exact names or glob patterns (<c>*</c> any run of characters, <c>?</c> one character).
    /// A pattern that matches no node is reported as a warning.
    /// </summary>
    public IReadOnlyList<string> ExcludeNodes { get; init; } = [];

    /// <summary>Operator types kept in float (e.g. <c>Gemm</c>, <c>Conv*</c>), exact or glob; unmatched patterns warn.</summary>
    public IReadOnlyList<string> ExcludeOpTypes { get; init; } = [];

    /// <summary>One scale per output channel of each weight (true, the default) or one per weight tensor.</summary>
    public bool PerChannelWeights { get; init; } = true;

    /// <summary>
    /// <see cref="QdqProfile.OrtCpu"/> only: keep the first and the last Conv of the graph (in topological order) in
    /// float. On AVX2 without VNNI, ORT's U8S8 kernel can overflow on a first conv with few input channels.
    /// </summary>
    public bool KeepFirstAndLastConvInFloat { get; init; } = true;

    /// <summary>
    /// <see cref="QdqProfile.OrtCpu"/> only: keep in float a 2-D Conv (group 1) with a reduction of at most 16 values per
    /// output (e.g. 1×1 over 16 channels) whose only reader is a hardswish. ONNX Runtime fuses the hardswish into a float
    /// Conv but has none in integer, so there the float Conv is the faster one (on x86-64 with AVX2 or AVX-512, where
    /// its CPU provider uses the NCHWc layout).
    /// </summary>
    public bool KeepHardSwishConvsFasterInFloat { get; init; } = true;

    /// <summary><see cref="QdqProfile.OrtCpu"/> only: further node names (exact or glob) kept in float.</summary>
    public IReadOnlyList<string> KeepFloatNodes { get; init; } = [];

    /// <summary>
    /// Calibration histograms by tensor name (optional; the quantizer passes its own). With them, a layer whose result is
    /// taken the logarithm of and whose activation input mostly rounds to 0 in int8 is kept float and reported
    /// (a power spectrum before a log-mel, for instance).
    /// </summary>
    public IReadOnlyDictionary<string, Histogram>? Histograms { get; init; }
}
