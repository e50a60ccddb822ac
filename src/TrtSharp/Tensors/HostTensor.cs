using System.Runtime.InteropServices;
using TrtSharp.Errors;

namespace TrtSharp.Tensors;

/// <summary>
/// A dense, row-major tensor in host memory: element type, shape and the elements.
/// The common currency between the ONNX layer, the backends, .npy files and calibration.
/// </summary>
/// <remarks>Thread safety: plain memory, like an array: concurrent reads are fine, a write must not overlap any other access (docs/thread-safety.md).</remarks>
public abstract class HostTensor
{
    private readonly long[] _shape;

    /// <summary>Initialises the type and shape; every dimension must be ≥ 0.</summary>
    protected HostTensor(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new TensorShapeException(null, $"dimension {d} is negative in shape [{string.Join(", ", shape.ToArray())}]");
            }
        }
        ElementType = elementType;
        _shape = shape.ToArray();
        ElementCount = ShapeElementCount(shape);
    }

    /// <summary>The ONNX element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions (empty for a scalar).</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>The dimensions as an array copy.</summary>
    public long[] ShapeArray() => (long[])_shape.Clone();

    /// <summary>Number of elements (1 for a scalar, 0 when any dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Rank (number of dimensions).</summary>
    public int Rank => _shape.Length;

    /// <summary>The elements as raw bytes (not for strings).</summary>
    public abstract Span<byte> AsBytes();

    /// <summary>The same elements (shared, not copied) seen with another shape of equal element count.</summary>
    public abstract HostTensor WithShape(ReadOnlySpan<long> shape);

    /// <summary>Product of the dimensions, with overflow checked.</summary>
    public static long ShapeElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n = checked(n * d);
        }
        return n;
    }

    /// <summary>Formats a shape as <c>[1, 3, 224, 224]</c>.</summary>
    public static string FormatShape(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Allocates a zero-filled tensor of the given element type and shape.</summary>
    public static HostTensor Allocate(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        if (elementType == TensorElementType.String)
        {
            return new StringTensor(shape);
        }
        long count = ShapeElementCount(shape);
        return elementType switch
        {
            TensorElementType.Float => new HostTensor<float>(elementType, shape, new float[count]),
            TensorElementType.UInt8 => new HostTensor<byte>(elementType, shape, new byte[count]),
            TensorElementType.Int8 => new HostTensor<sbyte>(elementType, shape, new sbyte[count]),
            TensorElementType.UInt16 => new HostTensor<ushort>(elementType, shape, new ushort[count]),
            TensorElementType.Int16 => new HostTensor<short>(elementType, shape, new short[count]),
            TensorElementType.Int32 => new HostTensor<int>(elementType, shape, new int[count]),
            TensorElementType.Int64 => new HostTensor<long>(elementType, shape, new long[count]),
            TensorElementType.Bool => new HostTensor<bool>(elementType, shape, new bool[count]),
            TensorElementType.Float16 => new HostTensor<Half>(elementType, shape, new Half[count]),
            TensorElementType.Double => new HostTensor<double>(elementType, shape, new double[count]),
            TensorElementType.UInt32 => new HostTensor<uint>(elementType, shape, new uint[count]),
            TensorElementType.UInt64 => new HostTensor<ulong>(elementType, shape, new ulong[count]),
            TensorElementType.Complex64 => new HostTensor<Complex64>(elementType, shape, new Complex64[count]),
            TensorElementType.Complex128 => new HostTensor<System.Numerics.Complex>(elementType, shape, new System.Numerics.Complex[count]),
            TensorElementType.BFloat16 => new HostTensor<BFloat16>(elementType, shape, new BFloat16[count]),
            _ when TensorElementTypeInfo.ClrType(elementType) == typeof(byte) =>
                new HostTensor<byte>(elementType, shape, new byte[TensorElementTypeInfo.StorageBytes(elementType, count)]),
            _ => throw new UnsupportedDataTypeException($"cannot allocate element type {elementType}"),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => $"{TensorElementTypeInfo.Name(ElementType)}{FormatShape(Shape)}";
}

/// <summary>A <see cref="HostTensor"/> whose elements are stored as <typeparamref name="T"/>.</summary>
public sealed class HostTensor<T> : HostTensor where T : unmanaged
{
    /// <summary>Wraps <paramref name="data"/> (not copied) with the natural element type of <typeparamref name="T"/>.</summary>
    public HostTensor(ReadOnlySpan<long> shape, T[] data) : this(TensorElementTypeInfo.FromClrType<T>(), shape, data) { }

    /// <summary>Wraps <paramref name="data"/> (not copied) as <paramref name="elementType"/>.</summary>
    public HostTensor(TensorElementType elementType, ReadOnlySpan<long> shape, T[] data) : base(elementType, shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (TensorElementTypeInfo.ClrType(elementType) != typeof(T))
        {
            throw new TensorShapeException(null, $"{elementType} is stored as {TensorElementTypeInfo.ClrType(elementType).Name}, not {typeof(T).Name}");
        }
        long expected = TensorElementTypeInfo.IsPacked4Bit(elementType) ? TensorElementTypeInfo.StorageBytes(elementType, ElementCount) : ElementCount;
        if (data.LongLength != expected)
        {
            throw new TensorShapeException(null, $"shape {FormatShape(shape)} needs {expected} storage elements, got {data.LongLength}");
        }
        Data = data;
    }

    /// <summary>Allocates a zero-filled tensor.</summary>
    public HostTensor(params long[] shape) : this(shape, new T[ShapeElementCount(shape)]) { }

    /// <summary>The elements, row-major.</summary>
    public T[] Data { get; }

    /// <summary>The elements as a span.</summary>
    public Span<T> Span => Data;

    /// <inheritdoc/>
    public override Span<byte> AsBytes() => MemoryMarshal.AsBytes(Data.AsSpan());

    /// <inheritdoc/>
    public override HostTensor WithShape(ReadOnlySpan<long> shape) => new HostTensor<T>(ElementType, shape, Data);
}

/// <summary>A tensor of strings (ONNX <c>STRING</c>).</summary>
public sealed class StringTensor : HostTensor
{
    /// <summary>Allocates a tensor of empty strings.</summary>
    public StringTensor(ReadOnlySpan<long> shape) : base(TensorElementType.String, shape)
    {
        Data = new string[ElementCount];
        Array.Fill(Data, string.Empty);
    }

    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    public StringTensor(ReadOnlySpan<long> shape, string[] data) : base(TensorElementType.String, shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.LongLength != ElementCount)
        {
            throw new TensorShapeException(null, $"shape {FormatShape(shape)} needs {ElementCount} strings, got {data.LongLength}");
        }
        Data = data;
    }

    /// <summary>The strings, row-major.</summary>
    public string[] Data { get; }

    /// <inheritdoc/>
    public override Span<byte> AsBytes() => throw new UnsupportedDataTypeException("string tensors have no byte view");

    /// <inheritdoc/>
    public override HostTensor WithShape(ReadOnlySpan<long> shape) => new StringTensor(shape, Data);
}
