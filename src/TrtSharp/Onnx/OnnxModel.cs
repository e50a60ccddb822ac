using TrtSharp.IO;
using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Onnx.Normalization;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>
/// An ONNX model in memory: the editable <see cref="Proto"/>, a read-only <see cref="Graph"/> view,
/// and load/save with external data.
/// </summary>
/// <remarks>
/// External data is resolved <b>lazily</b>: <see cref="Load(string)"/> checks that every external tensor's
/// file exists inside the model folder and is long enough, but reads the bytes only when a tensor is
/// converted (<see cref="ReadTensor"/>) or the model is saved. So a multi-GB model loads in the time it
/// takes to parse its graph. The data files must stay in place while the model is in use.
/// </remarks>
public sealed class OnnxModel
{
    /// <summary>Protobuf refuses messages of 2 GiB or more; we switch to external data a little below it.</summary>
    internal const long ProtobufLimit = int.MaxValue - (16 << 20);

    private OnnxGraph? _graph;

    private OnnxModel(ModelProto proto, string? filePath, string? baseDirectory)
    {
        Proto = proto;
        FilePath = filePath;
        BaseDirectory = baseDirectory;
    }

    /// <summary>The protobuf model; edit it freely, then call <see cref="RefreshGraph"/> so <see cref="Graph"/> sees the changes.</summary>
    internal ModelProto Proto { get; }

    /// <summary>The file the model came from, or null when loaded from memory.</summary>
    public string? FilePath { get; }

    /// <summary>The folder external data locations are relative to; null when unknown.</summary>
    public string? BaseDirectory { get; }

    /// <summary>ONNX IR version.</summary>
    public long IrVersion => Proto.IrVersion;

    /// <summary>The tool that wrote the model, e.g. "pytorch".</summary>
    public string ProducerName => Proto.ProducerName;

    /// <summary>The version of that tool.</summary>
    public string ProducerVersion => Proto.ProducerVersion;

    /// <summary>Operator set version per domain ("" is the default ONNX domain).</summary>
    public IReadOnlyDictionary<string, long> OpsetImports
    {
        get
        {
            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var opset in Proto.OpsetImport)
            {
                result[opset.Domain] = opset.Version;
            }
            return result;
        }
    }

    /// <summary>The read-only view of the main graph, built on first use and cached until <see cref="RefreshGraph"/>.</summary>
    public OnnxGraph Graph => _graph ??= new OnnxGraph(Proto.Graph, Proto.IrVersion, FilePath);

    /// <summary>What <see cref="ModelNormalizer"/> changed, when this model was normalized; null otherwise.</summary>
    public NormalizationReport? Normalization { get; internal set; }

    /// <summary>
    /// Loads the model at <paramref name="path"/> and normalizes it (<see cref="ModelNormalizer"/>): the form every
    /// command works on. The file is not changed.
    /// </summary>
    /// <exception cref="ModelFormatException">The file cannot be read as ONNX (see <see cref="Load(string)"/>).</exception>
    /// <exception cref="OpsetConversionException">A node cannot be converted to the opset asked for (named in the message).</exception>
    public static OnnxModel LoadNormalized(string path, NormalizationOptions? options = null)
    {
        var model = Load(path);
        ModelNormalizer.Normalize(model, options);
        return model;
    }

    /// <summary>A normalized copy of this model (<see cref="ModelNormalizer"/>); this one is left as it is.</summary>
    public OnnxModel Normalized(NormalizationOptions? options = null)
    {
        // Clone shares the immutable weight buffers, so the copy costs little even for large models.
        var copy = new OnnxModel(Proto.Clone(), FilePath, BaseDirectory);
        ModelNormalizer.Normalize(copy, options);
        return copy;
    }

    /// <summary>Drops the cached <see cref="Graph"/> view after <see cref="Proto"/> was edited.</summary>
    public void RefreshGraph() => _graph = null;

    /// <summary>Loads and validates the model at <paramref name="path"/>; external data is resolved against its folder.</summary>
    /// <exception cref="ModelFormatException">Missing, empty, corrupt, truncated or non-ONNX file, or bad external data.</exception>
    public static OnnxModel Load(string path)
    {
        var model = LoadWithoutTensorChecks(path);
        model.ValidateTensors();
        return model;
    }

    /// <summary>
    /// Reads and parses <paramref name="path"/> without checking tensor data against types and shapes, for tools
    /// that list such problems themselves (model validation) instead of stopping at the first.
    /// </summary>
    internal static OnnxModel LoadWithoutTensorChecks(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            ExistingFile.Require(path);
            var info = new FileInfo(path);
            if (info.Length >= int.MaxValue)
            {
                throw new ModelFormatException(path, $"{info.Length} bytes is beyond protobuf's 2 GB limit; such models must keep their weights in external data");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read model: {e.Message}", e);
        }
        string full = Path.GetFullPath(path);
        return Parse(bytes, path, Path.GetDirectoryName(full), validateTensors: false);
    }

    /// <summary>Loads a model from memory; external data (if any) is resolved against <paramref name="baseDirectory"/>.</summary>
    public static OnnxModel Load(ReadOnlySpan<byte> bytes, string? baseDirectory = null) =>
        Parse(bytes.ToArray(), null, baseDirectory is null ? null : Path.GetFullPath(baseDirectory));

    /// <summary>Loads a model from a stream (read to its end); external data is resolved against <paramref name="baseDirectory"/>.</summary>
    public static OnnxModel Load(Stream stream, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray(), null, baseDirectory is null ? null : Path.GetFullPath(baseDirectory));
    }

    /// <summary>Wraps a model built in code (not copied); external data is resolved against <paramref name="baseDirectory"/>.</summary>
    internal static OnnxModel FromProto(ModelProto proto, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(proto);
        return new OnnxModel(proto, null, baseDirectory is null ? null : Path.GetFullPath(baseDirectory));
    }

    private static OnnxModel Parse(byte[] bytes, string? path, string? baseDirectory, bool validateTensors = true)
    {
        if (bytes.Length == 0)
        {
            throw new ModelFormatException(path, "file is empty, not an ONNX model");
        }
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(path, $"not an ONNX model or truncated: protobuf parsing failed ({e.Message})", e);
        }
        // Arbitrary bytes sometimes parse as a protobuf made only of unknown fields; a real model has both of these.
        if (!proto.HasIrVersion || proto.IrVersion <= 0)
        {
            throw new ModelFormatException(path, "not an ONNX model: no IR version");
        }
        if (proto.Graph is null)
        {
            throw new ModelFormatException(path, "ONNX model has no graph");
        }
        var model = new OnnxModel(proto, path, baseDirectory);
        if (validateTensors)
        {
            model.ValidateTensors();
        }
        return model;
    }

    // Checks what can be checked without reading weights: element types, inline sizes, external files.
    private void ValidateTensors()
    {
        foreach (var tensor in OnnxTensorWalker.AllTensors(Proto))
        {
            ValidateTensor(tensor);
        }
    }

    /// <summary>Checks one tensor of this model: element type, dimensions, data length (raw, typed or external), external file.</summary>
    /// <exception cref="ModelFormatException">The first problem found.</exception>
    internal void ValidateTensor(TensorProto tensor)
    {
        try
        {
            TensorElementType type = OnnxTensors.ElementTypeOf(tensor);
            long[] shape = OnnxTensors.ShapeOf(tensor);
            if (ExternalDataReference.IsExternal(tensor))
            {
                var reference = ExternalDataReference.Parse(tensor, FilePath);
                if (BaseDirectory is null)
                {
                    throw new ModelFormatException(FilePath, $"tensor '{tensor.Name}' keeps its data in external file '{reference.Location}' but no model folder was given");
                }
                var (_, length) = reference.Validate(BaseDirectory, tensor.Name, FilePath);
                long expected = type == TensorElementType.String ? length : TensorElementTypeInfo.StorageBytes(type, HostTensor.ShapeElementCount(shape));
                if (length != expected)
                {
                    throw new ModelFormatException(FilePath, $"tensor '{tensor.Name}': external data in '{reference.Location}' has {length} bytes but its shape needs {expected}");
                }
            }
            else if (type == TensorElementType.String || !tensor.HasRawData)
            {
                // Typed fields and strings: the value count the shape needs, before anyone allocates that shape.
                OnnxTensors.CheckTypedCount(tensor, type, HostTensor.ShapeElementCount(shape));
            }
            else
            {
                long expected = TensorElementTypeInfo.StorageBytes(type, HostTensor.ShapeElementCount(shape));
                if (tensor.RawData.Length != expected)
                {
                    throw new ModelFormatException(FilePath, $"tensor '{tensor.Name}': raw_data has {tensor.RawData.Length} bytes but {TensorElementTypeInfo.Name(type)}{HostTensor.FormatShape(shape)} needs {expected}");
                }
            }
        }
        catch (TensorShapeException e)
        {
            throw new ModelFormatException(FilePath, e.Message, e);
        }
        catch (UnsupportedDataTypeException e)
        {
            throw new ModelFormatException(FilePath, e.Message, e);
        }
        catch (OverflowException e)
        {
            throw new ModelFormatException(FilePath, $"tensor '{tensor.Name}': dimensions overflow", e);
        }
    }

    /// <summary>Converts <paramref name="tensor"/> (an initializer or attribute of this model) to a host tensor, reading external data if needed.</summary>
    internal HostTensor ReadTensor(TensorProto tensor) => OnnxTensors.ToHostTensor(tensor, BaseDirectory, FilePath);

    /// <summary>The initializer called <paramref name="name"/> as a host tensor.</summary>
    /// <exception cref="TensorNotFoundException">No initializer of that name.</exception>
    public HostTensor GetInitializer(string name)
    {
        foreach (var t in Proto.Graph.Initializer)
        {
            if (t.Name == name)
            {
                return ReadTensor(t);
            }
        }
        throw new TensorNotFoundException(name, Proto.Graph.Initializer.Select(t => t.Name));
    }

    /// <summary>True when some tensor keeps its data in an external file.</summary>
    internal bool HasExternalData => OnnxTensorWalker.AllTensors(Proto).Any(ExternalDataReference.IsExternal);

    /// <summary>
    /// <paramref name="proto"/> (this model or a graph derived from it) serialized with every external tensor read
    /// inline, for ONNX Runtime sessions created from memory; <paramref name="proto"/> itself is not changed.
    /// </summary>
    /// <exception cref="ModelFormatException">The result would be 2 GB or larger.</exception>
    internal byte[] SelfContainedBytes(ModelProto proto) => SelfContained(proto).ToByteArray();

    /// <summary>
    /// <paramref name="proto"/> (this model or a graph derived from it) with every external tensor read inline: itself
    /// when it has none, else a copy. For ONNX Runtime sessions created from memory that edit the model first (taps),
    /// so the model is serialized once and never parsed back.
    /// </summary>
    /// <exception cref="ModelFormatException">The result would be 2 GB or larger.</exception>
    internal ModelProto SelfContained(ModelProto proto)
    {
        if (OnnxTensorWalker.AllTensors(proto).Any(ExternalDataReference.IsExternal))
        {
            proto = proto.Clone();
            foreach (var tensor in OnnxTensorWalker.AllTensors(proto).Where(ExternalDataReference.IsExternal).ToList())
            {
                SetRawData(tensor, ReadDataBytes(tensor));
            }
        }
        long size = proto.CalculateSize();
        if (size >= int.MaxValue)
        {
            throw new ModelFormatException(FilePath, $"model serializes to {size} bytes, beyond protobuf's 2 GB limit");
        }
        return proto;
    }

    /// <summary>Reads every external tensor into <c>raw_data</c>, so the model no longer depends on its data files.</summary>
    public void InlineExternalData()
    {
        foreach (var tensor in OnnxTensorWalker.AllTensors(Proto))
        {
            if (ExternalDataReference.IsExternal(tensor))
            {
                byte[] bytes = ReadDataBytes(tensor);
                SetRawData(tensor, bytes);
            }
        }
    }

    /// <summary>
    /// The serialized model. External tensors stay references (relative to <see cref="BaseDirectory"/>);
    /// call <see cref="InlineExternalData"/> first for a self-contained buffer.
    /// </summary>
    /// <exception cref="ModelFormatException">The model is 2 GB or larger.</exception>
    public byte[] ToBytes()
    {
        long size = Proto.CalculateSize();
        if (size >= int.MaxValue)
        {
            throw new ModelFormatException(FilePath, $"model serializes to {size} bytes, beyond protobuf's 2 GB limit; save it with external data");
        }
        return Proto.ToByteArray();
    }

    /// <summary>
    /// Saves the model to <paramref name="path"/> atomically (temp file + rename). With
    /// <see cref="OnnxSaveOptions.UseExternalData"/>, or automatically when the model would exceed 2 GB,
    /// tensors of at least the threshold go to one data file beside the model at aligned offsets;
    /// all other tensors are written inline (including ones that were external in the source).
    /// The in-memory model is not changed.
    /// </summary>
    public void Save(string path, OnnxSaveOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OnnxSaveOptions();
        if (options.Alignment <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "alignment must be positive");
        }
        string fullPath = Path.GetFullPath(path);
        string dataName = options.ExternalDataFileName ?? Path.GetFileName(fullPath) + ".data";
        if (Path.IsPathRooted(dataName) || dataName.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || dataName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"external data file name '{dataName}' must be a plain file name", nameof(options));
        }

        // Clone shares the immutable ByteStrings, so this costs little even for large models.
        ModelProto copy = Proto.Clone();
        var tensors = OnnxTensorWalker.AllTensors(copy).Where(t => t.DataType != (int)TensorElementType.String).ToList();
        long externalBytes = tensors.Where(ExternalDataReference.IsExternal).Sum(t => ExternalDataReference.Parse(t, FilePath).Length ?? 0);
        bool useExternal = options.UseExternalData || copy.CalculateSize() + externalBytes > options.AutomaticExternalDataAbove;

        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        // The data file is committed only once the model is known to fit, and before the model that points into it.
        using PendingFile? data = useExternal ? AtomicFile.Begin(Path.Combine(Path.GetDirectoryName(fullPath)!, dataName)) : null;
        // Nothing reached the threshold: no data file rather than an empty one (disposing deletes the temp file).
        bool writeData = data is not null && WriteExternal(tensors, options, dataName, data.Stream) > 0;
        if (data is null)
        {
            foreach (var tensor in tensors.Where(ExternalDataReference.IsExternal))
            {
                SetRawData(tensor, ReadDataBytes(tensor));
            }
        }
        long size = copy.CalculateSize();
        if (size >= int.MaxValue)
        {
            throw new ModelFormatException(path, $"model graph alone serializes to {size} bytes, beyond protobuf's 2 GB limit");
        }
        if (writeData)
        {
            data!.Commit();
        }
        AtomicFile.Write(fullPath, s => copy.WriteTo(s));
    }

    private int WriteExternal(List<TensorProto> tensors, OnnxSaveOptions options, string dataName, Stream stream)
    {
        int written = 0;
        foreach (var tensor in tensors)
        {
            long size = OnnxTensors.DataByteSize(tensor);
            if (size < options.ExternalDataThreshold || size == 0)
            {
                if (ExternalDataReference.IsExternal(tensor))
                {
                    SetRawData(tensor, ReadDataBytes(tensor));
                }
                continue;
            }
            byte[] bytes = ReadDataBytes(tensor);
            long offset = (stream.Position + options.Alignment - 1) / options.Alignment * options.Alignment;
            while (stream.Position < offset)
            {
                stream.WriteByte(0);
            }
            stream.Write(bytes);
            ClearData(tensor);
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = dataName });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            written++;
        }
        return written;
    }

    // The tensor's data as little-endian bytes, wherever it lives (raw_data, typed fields, external file).
    private byte[] ReadDataBytes(TensorProto tensor)
    {
        if (ExternalDataReference.IsExternal(tensor))
        {
            if (BaseDirectory is null)
            {
                throw new ModelFormatException(FilePath, $"tensor '{tensor.Name}' keeps its data in an external file but no model folder is known to resolve it");
            }
            return ExternalDataReference.Parse(tensor, FilePath).ReadBytes(BaseDirectory, tensor.Name, FilePath);
        }
        if (tensor.HasRawData)
        {
            return tensor.RawData.ToByteArray();
        }
        return OnnxTensors.ToHostTensor(tensor).AsBytes().ToArray();
    }

    private static void ClearData(TensorProto tensor)
    {
        tensor.ClearRawData();
        tensor.FloatData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.DoubleData.Clear();
        tensor.Uint64Data.Clear();
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
    }

    private static void SetRawData(TensorProto tensor, byte[] bytes)
    {
        ClearData(tensor);
        tensor.RawData = ByteString.CopyFrom(bytes);
    }
}
