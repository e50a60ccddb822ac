using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx.Protobuf;

namespace TrtSharp.Onnx;

/// <summary>
/// Standalone serialized <see cref="TensorProto"/> files, the format of the ONNX backend test data
/// (<c>test_data_set_0/input_0.pb</c>).
/// </summary>
public static class TensorProtoFile
{
    /// <summary>Reads the tensor in <paramref name="path"/>; its name is the proto's <c>name</c> (may be empty).</summary>
    /// <exception cref="ModelFormatException">The file is missing, empty, or not a TensorProto.</exception>
    public static (string Name, HostTensor Tensor) Read(string path)
    {
        TensorProto proto = ReadProto(path);
        try
        {
            return (proto.Name, OnnxTensors.ToHostTensor(proto, Path.GetDirectoryName(Path.GetFullPath(path)), path));
        }
        catch (TensorShapeException e)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
        catch (UnsupportedDataTypeException e)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
    }

    /// <summary>Reads the raw <see cref="TensorProto"/> in <paramref name="path"/>.</summary>
    public static TensorProto ReadProto(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read tensor file: {e.Message}", e);
        }
        if (bytes.Length == 0)
        {
            throw new ModelFormatException(path, "tensor file is empty");
        }
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(path, $"not a serialized ONNX TensorProto ({e.Message})", e);
        }
        if (!proto.HasDataType || proto.DataType == 0)
        {
            throw new ModelFormatException(path, "not a serialized ONNX TensorProto (no element type)");
        }
        return proto;
    }

    /// <summary>Writes <paramref name="tensor"/> as a TensorProto named <paramref name="name"/>, atomically.</summary>
    public static void Write(string path, HostTensor tensor, string name = "")
    {
        TensorProto proto = OnnxTensors.FromHostTensor(tensor, name);
        AtomicFile.Write(path, s => proto.WriteTo(s));
    }
}
