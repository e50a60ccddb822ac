using TrtSharp.IO;
using System.Buffers.Binary;
using System.Text;
using TrtSharp.Errors;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Numpy;

/// <summary>
/// NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0). Reading accepts little- and big-endian
/// numeric dtypes and bool; big-endian data is byte-swapped. Fortran-ordered arrays are transposed
/// into C (row-major) order on read. Writing produces version 1.0 (2.0 for very long headers), C order.
/// </summary>
public static class NpyFile
{
    // Not a u8 literal: "\x93" there would be the UTF-8 encoding of U+0093 (two bytes).
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the array in <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">Missing, truncated or malformed file.</exception>
    /// <exception cref="UnsupportedDataTypeException">A dtype TrtSharp has no element type for (the message names the file and dtype).</exception>
    public static HostTensor Read(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read .npy file: {e.Message}", e);
        }
        using (stream)
        {
            return Read(stream, path);
        }
    }

    /// <summary>Reads one array from <paramref name="stream"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static HostTensor Read(Stream stream, string? sourceName = null) => Read(stream, sourceName, null);

    /// <summary>Reads one array; <paramref name="availableBytes"/> bounds the data size for streams that cannot tell their length.</summary>
    internal static HostTensor Read(Stream stream, string? sourceName, long? availableBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return ReadCore(stream, sourceName, availableBytes);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException(sourceName, "truncated .npy file: it ends before the data its header declares", e);
        }
    }

    /// <summary>The element type and shape stored in <paramref name="path"/>, from its header alone (the data is not read).</summary>
    /// <exception cref="ModelFormatException">Missing or malformed file.</exception>
    /// <exception cref="UnsupportedDataTypeException">A dtype TrtSharp has no element type for.</exception>
    public static (TensorElementType Type, long[] Shape) ReadHeader(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            var (header, type, _, _) = ReadHeaderCore(stream, path, null);
            return (type, header.Shape);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException(path, "truncated .npy file: it ends inside its header", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot read .npy file: {e.Message}", e);
        }
    }

    private static (NpyHeader Header, TensorElementType Type, bool BigEndian, long? AvailableBytes) ReadHeaderCore(Stream stream, string? sourceName, long? availableBytes)
    {
        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            throw new ModelFormatException(sourceName, "file is empty, not a .npy file");
        }
        if (got < prefix.Length || !prefix[..6].SequenceEqual(Magic))
        {
            throw new ModelFormatException(sourceName, "not a .npy file (magic \\x93NUMPY missing)");
        }
        byte major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            stream.ReadExactly(len);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            stream.ReadExactly(len);
            uint l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > 1 << 24)
            {
                throw new ModelFormatException(sourceName, $".npy header length {l} is implausible");
            }
            headerLength = (int)l;
        }
        else
        {
            throw new ModelFormatException(sourceName, $".npy format version {major}.{prefix[7]} is not supported (1.0, 2.0, 3.0 are)");
        }
        if (stream.CanSeek && headerLength > stream.Length - stream.Position)
        {
            throw new ModelFormatException(sourceName, $"truncated .npy file: its header declares {headerLength} bytes, only {stream.Length - stream.Position} follow");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        if (availableBytes is not null)
        {
            availableBytes -= (major == 1 ? 10 : 12) + headerLength;
        }
        string headerText = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var header = NpyHeader.Parse(headerText, sourceName);
        var (type, bigEndian) = NpyDType.Parse(header.Descr, sourceName);
        return (header, type, bigEndian, availableBytes);

    }

    private static HostTensor ReadCore(Stream stream, string? sourceName, long? availableBytes)
    {
        (NpyHeader header, TensorElementType type, bool bigEndian, availableBytes) = ReadHeaderCore(stream, sourceName, availableBytes);
        HostTensor tensor;
        try
        {
            long needed = checked(HostTensor.ShapeElementCount(header.Shape) * TensorElementTypeInfo.ElementSize(type));
            // Refuse before allocating, so a corrupt shape cannot make us allocate gigabytes.
            long available = availableBytes ?? (stream.CanSeek ? stream.Length - stream.Position : long.MaxValue);
            if (needed > available)
            {
                throw new ModelFormatException(sourceName, $"truncated .npy file: shape {HostTensor.FormatShape(header.Shape)} of {header.Descr} needs {needed} data bytes, only {available} present");
            }
            if (needed > Array.MaxLength)
            {
                throw new ModelFormatException(sourceName, $".npy shape {HostTensor.FormatShape(header.Shape)} is too large for one array");
            }
            tensor = HostTensor.Allocate(type, header.Shape);
        }
        catch (OverflowException e)
        {
            throw new ModelFormatException(sourceName, $".npy shape {HostTensor.FormatShape(header.Shape)} is too large", e);
        }
        Span<byte> data = tensor.AsBytes();
        stream.ReadExactly(data);
        if (bigEndian)
        {
            // Complex numbers swap each part; the part size is half the element size.
            int part = type is TensorElementType.Complex64 or TensorElementType.Complex128
                ? TensorElementTypeInfo.ElementSize(type) / 2
                : TensorElementTypeInfo.ElementSize(type);
            for (int i = 0; i < data.Length; i += part)
            {
                data.Slice(i, part).Reverse();
            }
        }
        if (type == TensorElementType.Bool)
        {
            foreach (ref byte b in data)
            {
                b = b != 0 ? (byte)1 : (byte)0;
            }
        }
        if (header.FortranOrder && header.Shape.Length > 1)
        {
            FortranToC(data, header.Shape, TensorElementTypeInfo.ElementSize(type));
        }
        return tensor;
    }

    // Reorders column-major storage into row-major in place (through a copy).
    private static void FortranToC(Span<byte> data, long[] shape, int elementSize)
    {
        byte[] source = data.ToArray();
        int rank = shape.Length;
        var fortranStrides = new long[rank];
        long stride = 1;
        for (int d = 0; d < rank; d++)
        {
            fortranStrides[d] = stride;
            stride *= shape[d];
        }
        var index = new long[rank];
        long count = HostTensor.ShapeElementCount(shape);
        for (long c = 0; c < count; c++)
        {
            long f = 0;
            for (int d = 0; d < rank; d++)
            {
                f += index[d] * fortranStrides[d];
            }
            source.AsSpan((int)(f * elementSize), elementSize).CopyTo(data.Slice((int)(c * elementSize), elementSize));
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> atomically (temp file + rename).</summary>
    /// <exception cref="UnsupportedDataTypeException">NumPy has no dtype for the element type.</exception>
    public static void Write(string path, HostTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        NpyDType.ToDescr(tensor.ElementType);
        AtomicFile.Write(path, s => Write(s, tensor));
    }

    /// <summary>Writes <paramref name="tensor"/> as a .npy stream.</summary>
    public static void Write(Stream stream, HostTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException(".npy writing assumes a little-endian host");
        }
        string text = new NpyHeader(NpyDType.ToDescr(tensor.ElementType), false, tensor.ShapeArray()).Format();
        // NumPy pads magic + version + length + header + '\n' to a multiple of 64 so the data is aligned.
        int major = text.Length + 1 + 10 > ushort.MaxValue ? 2 : 1;
        int prefixLength = major == 1 ? 10 : 12;
        int total = (prefixLength + text.Length + 1 + 63) / 64 * 64;
        string padded = text.PadRight(total - prefixLength - 1) + "\n";
        byte[] header = Encoding.Latin1.GetBytes(padded);

        stream.Write(Magic);
        stream.WriteByte((byte)major);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            stream.Write(len[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
            stream.Write(len);
        }
        stream.Write(header);
        stream.Write(tensor.AsBytes());
    }
}
