using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>
/// Serialized values of the ONNX backend test data (<c>input_0.pb</c> …): a <see cref="TensorProto"/>,
/// <see cref="SequenceProto"/> or <see cref="OptionalProto"/>. The file does not say which; the type the
/// model declares for the input or output does.
/// </summary>
internal static class ModelValueFile
{
    /// <summary>Reads <paramref name="path"/> as the kind of value <paramref name="declared"/> describes (a tensor when null or a tensor type).</summary>
    /// <exception cref="ModelFormatException">The file does not hold such a value, or an element is bad.</exception>
    public static ModelValue Read(string path, TypeProto? declared)
    {
        switch (declared?.ValueCase)
        {
            case TypeProto.ValueOneofCase.SequenceType:
                return FromSequence(Parse(path, SequenceProto.Parser, "SequenceProto"), path);
            case TypeProto.ValueOneofCase.OptionalType:
                return FromOptional(Parse(path, OptionalProto.Parser, "OptionalProto"), path);
            case TypeProto.ValueOneofCase.MapType:
                throw new ModelFormatException(path, "map values are not supported");
            default:
                return new TensorValue(TensorProtoFile.Read(path).Tensor);
        }
    }

    private static T Parse<T>(string path, MessageParser<T> parser, string what) where T : IMessage<T>
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read value file: {e.Message}", e);
        }
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(path, $"not a serialized ONNX {what} ({e.Message})", e);
        }
    }

    private static SequenceValue FromSequence(SequenceProto proto, string path)
    {
        var elements = new List<ModelValue>();
        switch ((SequenceProto.Types.DataType)proto.ElemType)
        {
            case SequenceProto.Types.DataType.Tensor:
                elements.AddRange(proto.TensorValues.Select(t => (ModelValue)new TensorValue(ToHost(t, path))));
                break;
            case SequenceProto.Types.DataType.Sequence:
                elements.AddRange(proto.SequenceValues.Select(s => (ModelValue)FromSequence(s, path)));
                break;
            case SequenceProto.Types.DataType.Optional:
                elements.AddRange(proto.OptionalValues.Select(o => (ModelValue)FromOptional(o, path)));
                break;
            case SequenceProto.Types.DataType.Undefined when proto.TensorValues.Count + proto.SequenceValues.Count + proto.OptionalValues.Count == 0:
                // An empty sequence written without an element type.
                break;
            default:
                throw new ModelFormatException(path, $"sequences of element type {proto.ElemType} are not supported (only tensors, sequences and optionals)");
        }
        return new SequenceValue(elements);
    }

    private static OptionalValue FromOptional(OptionalProto proto, string path) => (OptionalProto.Types.DataType)proto.ElemType switch
    {
        OptionalProto.Types.DataType.Tensor when proto.TensorValue is not null => new OptionalValue(new TensorValue(ToHost(proto.TensorValue, path))),
        OptionalProto.Types.DataType.Sequence when proto.SequenceValue is not null => new OptionalValue(FromSequence(proto.SequenceValue, path)),
        OptionalProto.Types.DataType.Optional when proto.OptionalValue is not null => new OptionalValue(FromOptional(proto.OptionalValue, path)),
        OptionalProto.Types.DataType.Map or OptionalProto.Types.DataType.SparseTensor => throw new ModelFormatException(path, $"optional values of element type {proto.ElemType} are not supported"),
        // No element: the optional is empty ("none").
        _ => new OptionalValue(null),
    };

    private static HostTensor ToHost(TensorProto tensor, string path)
    {
        try
        {
            return OnnxTensors.ToHostTensor(tensor, Path.GetDirectoryName(Path.GetFullPath(path)), path);
        }
        catch (Exception e) when (e is TensorShapeException or UnsupportedDataTypeException)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
    }
}
