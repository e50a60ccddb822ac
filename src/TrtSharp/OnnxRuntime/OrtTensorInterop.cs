using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using TrtSharp.Errors;
using TrtSharp.Tensors;
using BFloat16 = TrtSharp.Tensors.BFloat16;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace TrtSharp.OnnxRuntime;

/// <summary>Moves tensors between <see cref="HostTensor"/> and ONNX Runtime's <see cref="OrtValue"/>.</summary>
internal static class OrtTensorInterop
{
    /// <summary>ONNX Runtime numbers element types exactly as ONNX does, so the cast is the mapping.</summary>
    public static OrtElementType ToOrt(TensorElementType type) => (OrtElementType)(int)type;

    /// <summary>The reverse of <see cref="ToOrt"/>.</summary>
    public static TensorElementType FromOrt(OrtElementType type) => (TensorElementType)(int)type;

    /// <summary>The array behind a non-string tensor, for pinning.</summary>
    public static Array StorageArray(HostTensor tensor) => tensor switch
    {
        HostTensor<float> t => t.Data,
        HostTensor<double> t => t.Data,
        HostTensor<byte> t => t.Data,
        HostTensor<sbyte> t => t.Data,
        HostTensor<ushort> t => t.Data,
        HostTensor<short> t => t.Data,
        HostTensor<int> t => t.Data,
        HostTensor<uint> t => t.Data,
        HostTensor<long> t => t.Data,
        HostTensor<ulong> t => t.Data,
        HostTensor<bool> t => t.Data,
        HostTensor<Half> t => t.Data,
        HostTensor<BFloat16> t => t.Data,
        HostTensor<Complex64> t => t.Data,
        HostTensor<Complex> t => t.Data,
        _ => throw new UnsupportedDataTypeException($"{tensor} has no element array ONNX Runtime can use"),
    };

    /// <summary>
    /// Allocates a zero-filled tensor whose array lives on the pinned object heap, so ONNX Runtime can keep
    /// its address for the life of a binding without a GC handle.
    /// </summary>
    public static HostTensor AllocatePinned(TensorElementType type, ReadOnlySpan<long> shape)
    {
        if (type == TensorElementType.String)
        {
            throw new UnsupportedDataTypeException("string tensors cannot be pre-bound (ONNX Runtime copies strings); use Run instead");
        }
        long count = HostTensor.ShapeElementCount(shape);
        return type switch
        {
            TensorElementType.Float => new HostTensor<float>(type, shape, GC.AllocateArray<float>(checked((int)count), pinned: true)),
            TensorElementType.Double => new HostTensor<double>(type, shape, GC.AllocateArray<double>(checked((int)count), pinned: true)),
            TensorElementType.UInt16 => new HostTensor<ushort>(type, shape, GC.AllocateArray<ushort>(checked((int)count), pinned: true)),
            TensorElementType.Int16 => new HostTensor<short>(type, shape, GC.AllocateArray<short>(checked((int)count), pinned: true)),
            TensorElementType.Int32 => new HostTensor<int>(type, shape, GC.AllocateArray<int>(checked((int)count), pinned: true)),
            TensorElementType.UInt32 => new HostTensor<uint>(type, shape, GC.AllocateArray<uint>(checked((int)count), pinned: true)),
            TensorElementType.Int64 => new HostTensor<long>(type, shape, GC.AllocateArray<long>(checked((int)count), pinned: true)),
            TensorElementType.UInt64 => new HostTensor<ulong>(type, shape, GC.AllocateArray<ulong>(checked((int)count), pinned: true)),
            TensorElementType.Int8 => new HostTensor<sbyte>(type, shape, GC.AllocateArray<sbyte>(checked((int)count), pinned: true)),
            TensorElementType.Bool => new HostTensor<bool>(type, shape, GC.AllocateArray<bool>(checked((int)count), pinned: true)),
            TensorElementType.Float16 => new HostTensor<Half>(type, shape, GC.AllocateArray<Half>(checked((int)count), pinned: true)),
            TensorElementType.BFloat16 => new HostTensor<BFloat16>(type, shape, GC.AllocateArray<BFloat16>(checked((int)count), pinned: true)),
            TensorElementType.Complex64 => new HostTensor<Complex64>(type, shape, GC.AllocateArray<Complex64>(checked((int)count), pinned: true)),
            TensorElementType.Complex128 => new HostTensor<Complex>(type, shape, GC.AllocateArray<Complex>(checked((int)count), pinned: true)),
            // UInt8, FP8 and the packed 4-bit types are all stored as bytes.
            _ => new HostTensor<byte>(type, shape, GC.AllocateArray<byte>(checked((int)TensorElementTypeInfo.StorageBytes(type, count)), pinned: true)),
        };
    }

    /// <summary>
    /// Wraps a tensor's memory as an <see cref="OrtValue"/> without copying. The returned handle keeps the array
    /// pinned; free it after the value is disposed. Strings are copied into a native string tensor instead.
    /// </summary>
    public static OrtValue Wrap(HostTensor tensor, OrtMemoryInfo cpu, out GCHandle pin)
    {
        long[] shape = tensor.ShapeArray();
        if (tensor is StringTensor strings)
        {
            pin = default;
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            try
            {
                for (int i = 0; i < strings.Data.Length; i++)
                {
                    value.StringTensorSetElementAt(strings.Data[i].AsSpan(), i);
                }
            }
            catch
            {
                value.Dispose();
                throw;
            }
            return value;
        }
        Array array = StorageArray(tensor);
        pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            long bytes = tensor.AsBytes().Length;
            return OrtValue.CreateTensorValueWithData(cpu, ToOrt(tensor.ElementType), shape, pin.AddrOfPinnedObject(), bytes);
        }
        catch
        {
            pin.Free();
            throw;
        }
    }

    /// <summary>
    /// Wraps a tensor whose array is on the pinned object heap (see <see cref="AllocatePinned"/>); no handle needed.
    /// </summary>
    public static unsafe OrtValue WrapPinned(HostTensor tensor, OrtMemoryInfo cpu)
    {
        Span<byte> bytes = tensor.AsBytes();
        fixed (byte* p = bytes)
        {
            // The address stays valid after this block because the array never moves (pinned object heap).
            return OrtValue.CreateTensorValueWithData(cpu, ToOrt(tensor.ElementType), tensor.ShapeArray(), (IntPtr)p, bytes.Length);
        }
    }

    /// <summary>Copies an ONNX Runtime tensor into a new <see cref="HostTensor"/>.</summary>
    public static HostTensor ToHost(OrtValue value, string name)
    {
        if (!value.IsTensor)
        {
            throw new UnsupportedDataTypeException($"output '{name}' is a {value.OnnxType}, not a tensor");
        }
        var info = value.GetTensorTypeAndShape();
        TensorElementType type = FromOrt(info.ElementDataType);
        long[] shape = info.Shape;
        if (type == TensorElementType.String)
        {
            return new StringTensor(shape, value.GetStringTensorAsArray());
        }
        HostTensor result = HostTensor.Allocate(type, shape);
        CopyInto(value, result);
        return result;
    }

    /// <summary>Copies an ONNX Runtime tensor's bytes into a host tensor of the same size.</summary>
    public static void CopyInto(OrtValue value, HostTensor destination)
    {
        Span<byte> source = value.GetTensorMutableRawData();
        source.CopyTo(destination.AsBytes());
    }
}
