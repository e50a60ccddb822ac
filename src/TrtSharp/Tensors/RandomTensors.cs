using TrtSharp.Errors;

namespace TrtSharp.Tensors;

/// <summary>Seeded random inputs for running a model without data (the CLI's default, like trtexec and Polygraphy).</summary>
public static class RandomTensors
{
    /// <summary>
    /// The largest random input made (1 GiB): shapes come from the model file, and a corrupt or hostile one must not
    /// make us allocate what it declares.
    /// </summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>
    /// Resolves the concrete shape of <paramref name="descriptor"/>: dimensions from <paramref name="overrides"/>
    /// when given, fixed ones as they are, and dynamic ones as 1.
    /// </summary>
    public static long[] ResolveShape(TensorDescriptor descriptor, IReadOnlyDictionary<string, long[]>? overrides)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (overrides is not null && overrides.TryGetValue(descriptor.Name, out var given))
        {
            if (given.Length != descriptor.Shape.Length)
            {
                throw new TensorShapeException(descriptor.Name, $"shape {HostTensor.FormatShape(given)} has rank {given.Length}, the model expects {descriptor}");
            }
            for (int i = 0; i < given.Length; i++)
            {
                if (descriptor.Shape[i] >= 0 && descriptor.Shape[i] != given[i])
                {
                    throw new TensorShapeException(descriptor.Name, $"dimension {i} is fixed to {descriptor.Shape[i]} in the model, got {given[i]}");
                }
            }
            return CheckSize(descriptor, given);
        }
        return CheckSize(descriptor, descriptor.Shape.Select(d => d < 0 ? 1 : d).ToArray());
    }

    private static long[] CheckSize(TensorDescriptor descriptor, long[] shape)
    {
        long bytes;
        try
        {
            bytes = descriptor.ElementType == TensorElementType.String
                ? HostTensor.ShapeElementCount(shape)
                : TensorElementTypeInfo.StorageBytes(descriptor.ElementType, HostTensor.ShapeElementCount(shape));
        }
        catch (OverflowException)
        {
            bytes = long.MaxValue;
        }
        if (bytes > MaxBytes)
        {
            throw new TensorShapeException(descriptor.Name,
                $"a random input of shape {HostTensor.FormatShape(shape)} ({descriptor}) would take more than {MaxBytes >> 30} GiB; give its data in a file or smaller shapes");
        }
        return shape;
    }

    /// <summary>
    /// A tensor of random values: floats uniform in [-1, 1), integers in [0, 10) (valid as small indices),
    /// booleans fair, strings empty.
    /// </summary>
    public static HostTensor Create(TensorElementType type, ReadOnlySpan<long> shape, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var tensor = HostTensor.Allocate(type, shape);
        switch (tensor)
        {
            case HostTensor<float> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = random.NextSingle() * 2 - 1; } break;
            case HostTensor<double> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = random.NextDouble() * 2 - 1; } break;
            case HostTensor<Half> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = (Half)(random.NextSingle() * 2 - 1); } break;
            case HostTensor<BFloat16> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = BFloat16.FromSingle(random.NextSingle() * 2 - 1); } break;
            case HostTensor<bool> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = random.Next(2) == 1; } break;
            case HostTensor<long> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = random.Next(10); } break;
            case HostTensor<int> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = random.Next(10); } break;
            case HostTensor<sbyte> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = (sbyte)random.Next(10); } break;
            case HostTensor<byte> t: random.NextBytes(t.Data); if (type == TensorElementType.UInt8) { for (int i = 0; i < t.Data.Length; i++) { t.Data[i] %= 10; } } break;
            case HostTensor<short> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = (short)random.Next(10); } break;
            case HostTensor<ushort> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = (ushort)random.Next(10); } break;
            case HostTensor<uint> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = (uint)random.Next(10); } break;
            case HostTensor<ulong> t: for (int i = 0; i < t.Data.Length; i++) { t.Data[i] = (ulong)random.Next(10); } break;
            case StringTensor: break;
            default: throw new UnsupportedDataTypeException($"no random generator for {TensorElementTypeInfo.Name(type)}");
        }
        return tensor;
    }
}
