namespace TrtSharp.TensorRT;

/// <summary>Which GPUs a built engine may run on.</summary>
public enum HardwareCompatibility
{
    /// <summary>Only the GPU architecture it was built on.</summary>
    None = 0,

    /// <summary>Any Ampere or later GPU ("ampere+").</summary>
    AmperePlus = 1,

    /// <summary>Any GPU with the same compute capability.</summary>
    SameComputeCapability = 2,
}
