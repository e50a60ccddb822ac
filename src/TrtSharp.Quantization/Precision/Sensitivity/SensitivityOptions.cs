namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>How a sensitivity analysis walks the layers.</summary>
public sealed record SensitivityOptions
{
    /// <summary>
    /// Layers reduced together: 1 (the default) tries each layer alone; k &gt; 1 tries partitions of k consecutive layers in
    /// topological order, k times fewer runs for a big model at the price of naming a partition rather than a layer.
    /// </summary>
    public int PartitionSize { get; init; } = 1;

    /// <summary>Checks the numbers.</summary>
    /// <exception cref="ArgumentException">The partition size is below 1.</exception>
    public void Validate()
    {
        if (PartitionSize < 1)
        {
            throw new ArgumentException($"the partition size must be at least 1, got {PartitionSize}");
        }
    }
}
