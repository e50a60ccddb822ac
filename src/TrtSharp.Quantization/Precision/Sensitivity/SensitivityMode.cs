namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>Which reduced precision a sensitivity analysis or exclusion search tries layer by layer.</summary>
public enum SensitivityMode
{
    /// <summary>INT8 Q/DQ (one calibration, the quantizable nodes of the placement profile).</summary>
    Int8,

    /// <summary>FP16 or BF16 AutoCast (the nodes the conversion turns to the reduced type, validated on its rounding emulation).</summary>
    ReducedFloat,
}
