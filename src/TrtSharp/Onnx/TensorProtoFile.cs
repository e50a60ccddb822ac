using TrtSharp.IO;
using Google.Protobuf;
using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx;

/// <summary>
/// Standalone serialized <see cref="TensorProto"/> files, the format of the ONNX backend test data
/// (<c>test_data_set_0/input_0.pb</c>).
/// </summary>
internal static class TensorProtoFile
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
        byte[] bytes = ReadBytes(path);
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
        if (proto.Segment is not null)
        {
            // Field 3 is a TensorProto's segment but a SequenceProto's tensor list: the usual mix-up.
            throw new ModelFormatException(path, "not a TensorProto (looks like a SequenceProto; read it with ReadSequence)");
        }
        return proto;
    }

    /// <summary>
    /// Reads a serialized <see cref="SequenceProto"/> of tensors (backend test data of sequence inputs/outputs).
    /// </summary>
    /// <exception cref="ModelFormatException">Not a sequence of dense tensors, or a bad element.</exception>
    public static (string Name, IReadOnlyList<HostTensor> Tensors) ReadSequence(string path)
    {
        byte[] bytes = ReadBytes(path);
        SequenceProto proto;
        try
        {
            proto = SequenceProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(path, $"not a serialized ONNX SequenceProto ({e.Message})", e);
        }
        if (proto.ElemType != (int)SequenceProto.Types.DataType.Tensor)
        {
            throw new ModelFormatException(path, $"only sequences of dense tensors are supported (elem_type {proto.ElemType})");
        }
        var tensors = new List<HostTensor>(proto.TensorValues.Count);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        foreach (var t in proto.TensorValues)
        {
            try
            {
                tensors.Add(OnnxTensors.ToHostTensor(t, folder, path));
            }
            catch (Exception e) when (e is TensorShapeException or UnsupportedDataTypeException)
            {
                throw new ModelFormatException(path, e.Message, e);
            }
        }
        return (proto.Name, tensors);
    }

    private static byte[] ReadBytes(string path)
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
        return bytes;
    }

    /// <summary>Writes <paramref name="tensor"/> as a TensorProto named <paramref name="name"/>, atomically.</summary>
    public static void Write(string path, HostTensor tensor, string name = "")
    {
        TensorProto proto = OnnxTensors.FromHostTensor(tensor, name);
        AtomicFile.Write(path, s => proto.WriteTo(s));
    }
}
