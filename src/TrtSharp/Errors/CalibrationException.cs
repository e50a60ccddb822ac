namespace TrtSharp.Errors;

/// <summary>
/// Calibration data that cannot give a trustworthy range: NaN or infinite activations, or a tensor that saw no values.
/// Names the tensor and, where known, the sample that carried the bad value.
/// </summary>
public sealed class CalibrationException : TrtSharpException
{
    /// <summary>Creates the exception for tensor <paramref name="tensorName"/> and sample <paramref name="sampleIndex"/>.</summary>
    public CalibrationException(string? tensorName, long? sampleIndex, string reason)
        : base(Describe(tensorName, sampleIndex, reason))
    {
        TensorName = tensorName;
        SampleIndex = sampleIndex;
        Reason = reason;
    }

    /// <summary>The tensor concerned, when known.</summary>
    public string? TensorName { get; }

    /// <summary>The zero-based index of the calibration sample concerned, when known.</summary>
    public long? SampleIndex { get; }

    /// <summary>Why calibration refused the data, without the tensor and sample.</summary>
    public string Reason { get; }

    private static string Describe(string? tensorName, long? sampleIndex, string reason)
    {
        string where = tensorName is null ? "" : $"tensor '{tensorName}'";
        if (sampleIndex is long s)
        {
            where = where.Length == 0 ? $"sample {s}" : $"{where}, sample {s}";
        }
        return where.Length == 0 ? reason : $"{where}: {reason}";
    }
}
