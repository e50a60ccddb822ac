namespace TrtSharp.Triton;

/// <summary>How <see cref="TritonRepositoryExporter"/> lays out one model of a Triton model repository.</summary>
public sealed record TritonExportOptions
{
    /// <summary>The model's name in the repository (its folder name and <c>name</c> in <c>config.pbtxt</c>).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Triton's <c>max_batch_size</c>. Null: when every input and output has a dynamic leading dimension it becomes
    /// the batch dimension (the plan profile's largest batch where TensorRT can tell, else
    /// <see cref="DefaultMaxBatchSize"/>); otherwise 0, no batching. 0: no batch dimension, shapes kept whole.
    /// </summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>Adds a <c>dynamic_batching</c> section (needs a batch dimension).</summary>
    public bool DynamicBatching { get; init; }

    /// <summary>Preferred batch sizes of the dynamic batcher (empty: Triton's default).</summary>
    public IReadOnlyList<int> PreferredBatchSizes { get; init; } = [];

    /// <summary>How long the dynamic batcher may hold a request to form a larger batch, in microseconds.</summary>
    public long MaxQueueDelayMicroseconds { get; init; }

    /// <summary>Model instances per device (<c>instance_group.count</c>).</summary>
    public int Instances { get; init; } = 1;

    /// <summary>The model version folder the file goes to.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Replace an existing version folder's files instead of refusing.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// For a TensorRT plan on a machine without TensorRT: the ONNX model it was built from, whose inputs and outputs
    /// the engine keeps (checked against the plan manifest's SHA-256 when there is one).
    /// </summary>
    public string? SourceModelPath { get; init; }

    /// <summary>The batch size used when the batch dimension is dynamic and nothing says how large it may get.</summary>
    public const int DefaultMaxBatchSize = 8;
}
