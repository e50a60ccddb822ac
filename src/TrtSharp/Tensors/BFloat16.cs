using System.Runtime.InteropServices;

namespace TrtSharp.Tensors;

/// <summary>A bfloat16 value: the upper 16 bits of an IEEE float32.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BFloat16(ushort Bits)
{
    /// <summary>Rounds a float to the nearest bfloat16 (ties to even); NaN stays NaN.</summary>
    public static BFloat16 FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>The exact float32 value.</summary>
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)Bits << 16);

    /// <summary>Converts to float32.</summary>
    public static explicit operator float(BFloat16 value) => value.ToSingle();

    /// <summary>Converts from float32, rounding to nearest even.</summary>
    public static explicit operator BFloat16(float value) => FromSingle(value);

    /// <inheritdoc/>
    public override string ToString() => ToSingle().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
