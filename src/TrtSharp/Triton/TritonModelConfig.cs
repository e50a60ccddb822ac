using TrtSharp.Triton.Protobuf;

namespace TrtSharp.Triton;

/// <summary>
/// Builds Triton's <c>ModelConfig</c> for one model from its inputs and outputs. Triton describes a batched model by
/// <c>max_batch_size</c> &gt; 0 and per-request dims without the batch dimension; the leading dimension can only be
/// that batch dimension when it is dynamic on every input and output.
/// </summary>
internal static class TritonModelConfig
{
    /// <summary>Triton's platform names for the two model kinds TrtSharp exports.</summary>
    public const string TensorRtPlatform = "tensorrt_plan";

    /// <inheritdoc cref="TensorRtPlatform"/>
    public const string OnnxRuntimePlatform = "onnxruntime_onnx";

    /// <summary>The configuration, and notes on the choices made for the user (e.g. a defaulted batch size).</summary>
    /// <exception cref="ArgumentException">Options that contradict the model (named in the message).</exception>
    public static (ModelConfig Config, IReadOnlyList<string> Notes) Build(
        string platform, IReadOnlyList<TritonTensor> inputs, IReadOnlyList<TritonTensor> outputs, TritonExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var notes = new List<string>();
        int maxBatch = MaxBatch(inputs, outputs, options, notes);
        if (options.DynamicBatching && maxBatch == 0)
        {
            throw new ArgumentException("--dynamic-batching needs a batch dimension (max batch size > 0)");
        }
        if (options.PreferredBatchSizes.FirstOrDefault(b => b <= 0 || b > maxBatch) is int bad and not 0)
        {
            throw new ArgumentException($"preferred batch size {bad} is outside 1..{maxBatch} (the max batch size)");
        }

        var config = new ModelConfig { Name = options.Name, Platform = platform, MaxBatchSize = maxBatch };
        foreach (TritonTensor tensor in inputs)
        {
            var (type, dims, reshape) = Describe(tensor, maxBatch);
            var input = new ModelInput { Name = tensor.Descriptor.Name, DataType = type, IsShapeTensor = tensor.IsShapeTensor, Reshape = reshape };
            input.Dims.Add(dims);
            config.Input.Add(input);
        }
        foreach (TritonTensor tensor in outputs)
        {
            var (type, dims, reshape) = Describe(tensor, maxBatch);
            var output = new ModelOutput { Name = tensor.Descriptor.Name, DataType = type, IsShapeTensor = tensor.IsShapeTensor, Reshape = reshape };
            output.Dims.Add(dims);
            config.Output.Add(output);
        }
        if (options.DynamicBatching)
        {
            var batching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = (ulong)options.MaxQueueDelayMicroseconds };
            batching.PreferredBatchSize.Add(options.PreferredBatchSizes);
            config.DynamicBatching = batching;
        }
        var group = new ModelInstanceGroup
        {
            Count = options.Instances,
            // A plan runs only on the GPU it was built for; ONNX Runtime picks its device from the backend's settings.
            Kind = platform == TensorRtPlatform ? ModelInstanceGroup.Types.Kind.Gpu : ModelInstanceGroup.Types.Kind.Auto,
        };
        config.InstanceGroup.Add(group);
        return (config, notes);
    }

    /// <summary>Checks the options that do not depend on the model, before any file is read.</summary>
    /// <exception cref="ArgumentException">The first bad option.</exception>
    public static void Validate(TritonExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string name = options.Name ?? "";
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0 || name.Trim() != name)
        {
            throw new ArgumentException($"model name '{name}' must be a plain folder name (no slashes, not '.' or '..', no surrounding spaces)");
        }
        if (options.MaxBatchSize is < 0)
        {
            throw new ArgumentException($"--max-batch must be 0 or more, got {options.MaxBatchSize}");
        }
        if (options.Instances < 1)
        {
            throw new ArgumentException($"--instances must be at least 1, got {options.Instances}");
        }
        if (options.Version < 1)
        {
            throw new ArgumentException($"--version must be at least 1 (Triton's version folders start at 1), got {options.Version}");
        }
        if (options.MaxQueueDelayMicroseconds < 0)
        {
            throw new ArgumentException($"the maximum queue delay must be 0 or more, got {options.MaxQueueDelayMicroseconds}");
        }
        if (options.MaxBatchSize == 0 && options.DynamicBatching)
        {
            throw new ArgumentException("--dynamic-batching needs a batch dimension; it cannot be combined with --max-batch 0");
        }
    }

    private static int MaxBatch(IReadOnlyList<TritonTensor> inputs, IReadOnlyList<TritonTensor> outputs, TritonExportOptions options, List<string> notes)
    {
        // Shape tensors carry shapes, not per-request data: they take no part in choosing the batch dimension.
        var tensors = inputs.Concat(outputs).Where(t => !t.IsShapeTensor).ToList();
        TritonTensor? fixedLeading = tensors.FirstOrDefault(t => t.Descriptor.Shape.Length == 0 || t.Descriptor.Shape[0] >= 0);
        if (options.MaxBatchSize is int requested)
        {
            if (requested > 0 && fixedLeading is not null)
            {
                throw new ArgumentException(
                    $"--max-batch {requested} needs every input and output to have a dynamic leading (batch) dimension; " +
                    $"'{fixedLeading.Descriptor.Name}' is {Shape(fixedLeading)} (use --max-batch 0 to export without batching)");
            }
            long? profileMax = tensors.Select(t => t.MaxLeadingDimension).Where(m => m is not null).Min();
            if (requested > 0 && profileMax is long limit && requested > limit)
            {
                throw new ArgumentException($"--max-batch {requested} exceeds the largest batch the plan's profile allows ({limit})");
            }
            return requested;
        }
        if (fixedLeading is not null || tensors.Count == 0)
        {
            if (options.DynamicBatching)
            {
                throw new ArgumentException(
                    $"--dynamic-batching needs a dynamic leading (batch) dimension on every input and output; '{fixedLeading?.Descriptor.Name}' is {(fixedLeading is null ? "absent" : Shape(fixedLeading))}");
            }
            notes.Add("max_batch_size 0: not every input and output has a dynamic leading dimension, so shapes are kept whole");
            return 0;
        }
        long? max = tensors.Select(t => t.MaxLeadingDimension).Where(m => m is not null).Min();
        if (max is long fromProfile and > 0)
        {
            int value = (int)Math.Min(fromProfile, int.MaxValue);
            notes.Add($"max_batch_size {value}: the plan's optimization profile allows batches up to {value}");
            return value;
        }
        notes.Add($"max_batch_size {TritonExportOptions.DefaultMaxBatchSize}: the leading dimension is dynamic and nothing bounds it (set --max-batch)");
        return TritonExportOptions.DefaultMaxBatchSize;
    }

    /// <summary>Triton's type, per-request dims and reshape for one tensor.</summary>
    private static (DataType Type, long[] Dims, ModelTensorReshape? Reshape) Describe(TritonTensor tensor, int maxBatch)
    {
        DataType type = TritonDataTypes.From(tensor.Descriptor.ElementType, tensor.Descriptor.Name);
        long[] shape = tensor.Descriptor.Shape;
        long[] dims = maxBatch > 0 && !tensor.IsShapeTensor ? shape[1..] : shape;
        // Triton needs at least one dim: a scalar per request is [1], reshaped back to the model's [] (its documented convention).
        return dims.Length == 0 ? (type, [1], new ModelTensorReshape()) : (type, dims, null);
    }

    private static string Shape(TritonTensor tensor) => $"[{string.Join(", ", tensor.Descriptor.Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
