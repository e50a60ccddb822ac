namespace TrtSharp.Onnx;

/// <summary>How <see cref="OnnxModel.Save"/> writes a model.</summary>
public sealed record OnnxSaveOptions
{
    /// <summary>
    /// Write every tensor of at least <see cref="ExternalDataThreshold"/> bytes to one external data file.
    /// Even when false, external data is used automatically if the model would exceed protobuf's 2 GB limit.
    /// </summary>
    public bool UseExternalData { get; init; }

    /// <summary>Smallest tensor (in data bytes) that goes to the external file; default 1 KiB.</summary>
    public long ExternalDataThreshold { get; init; } = 1024;

    /// <summary>Name of the external data file, beside the model; default <c>&lt;model file name&gt;.data</c>.</summary>
    public string? ExternalDataFileName { get; init; }

    /// <summary>Each tensor's offset in the external file is a multiple of this (default 4096, a page, so files can be memory-mapped).</summary>
    public int Alignment { get; init; } = 4096;

    /// <summary>Serialized size above which external data is used even when not asked for (protobuf's limit; lowered by tests).</summary>
    internal long AutomaticExternalDataAbove { get; init; } = OnnxModel.ProtobufLimit;
}
